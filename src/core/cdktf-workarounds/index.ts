/**
 * Where the project works around cdktf 0.21 (and constructs 10) behaviour, each with the condition
 * under which it can go. None of them changes what is synthesized: `cdktf.out` is byte-identical
 * with them on or off (__tests__/core/cdktf-workarounds.test.ts), they only make synthesis fast and
 * independent of a local Terraform CLI.
 *
 * ONE SWITCH: `FLASHCROWD_CDKTF_WORKAROUNDS=off` (tests: `setCdktfWorkarounds(false)`) turns the
 * first three off at once, so cdktf's own behaviour can be compared with, e.g.
 *
 *     FLASHCROWD_CDKTF_WORKAROUNDS=off npm run synth
 *
 * The fourth is a launcher's and has its own switch, `FLASHCROWD_NO_BUNDLE=1`.
 *
 * 1. Prepared resolution (./prepared-resolution.ts, wired in by AwsStack's `prepareStack()` and
 *    `toTerraform()` overrides in stacks/base/aws-stack.ts). `App.synth()` resolves every element of
 *    every stack twice, once in `prepareStack()` for the side effects only and once in
 *    `toTerraform()`, then the merged document a third time; here the preparing pass's result is
 *    reused when the element's configuration did not change in between.
 *    Remove when: cdktf stops resolving each element twice (and the merged document again), or
 *    resolving becomes cheap enough that the 50-event scenario of `npm run bench` meets its target
 *    with the switch off.
 *
 * 2. Cheap stack traces (./cheap-stack-traces.ts, `withCheapStackTraces` around every synthesis:
 *    src/app/main.ts, src/cli/synth-folder.ts, src/rehearsal/run.ts, src/ci/bench.ts). cdktf and
 *    constructs capture a full stack trace for every token and metadata entry they create, only to
 *    quote it if something fails later; capturing and formatting them was the largest single cost
 *    of a synth.
 *    Remove when: constructs/cdktf stop capturing a stack trace per token and metadata entry (or
 *    make it opt-in), or V8 makes `Error.captureStackTrace` cheap enough that `npm run bench`
 *    shows no difference with the switch off.
 *
 * 3. The validation pass (./validation.ts, `appValidation()` in src/app/app.ts: the App is created
 *    with `skipValidation` and `validateStacks` runs instead). cdktf's pass runs every construct's
 *    validations, including a `terraform version` probe per `cloud` block and import block: ~60 ms
 *    each, and a failure where no Terraform CLI is installed, although synthesis needs none (the
 *    version that matters is the one pinned on the Terraform Cloud workspace).
 *    Remove when: cdktf's validation stops shelling out to the Terraform CLI during synthesis (or
 *    can skip only those probes), so `npm run synth` works without a Terraform CLI on PATH with the
 *    switch off.
 *
 * 4. The bundle cache (src/bin/bundle-cache.cjs, used by src/bin/app.cjs for `npm run synth` and
 *    by src/bin/flashcrowd.cjs for `npx flashcrowd`). Loading cdktf, the provider classes and ~250
 *    TypeScript files through tsx one module at a time took over half of a synth and most of a CLI
 *    command; the launchers run an esbuild bundle cached under node_modules/.cache/flashcrowd
 *    instead, rebuilt when a source changes. Switch: `FLASHCROWD_NO_BUNDLE=1` runs the sources
 *    through tsx (for debugging with source maps).
 *    Remove when: Node loads the TypeScript sources and cdktf's module graph fast enough on its own
 *    (type stripping plus a module compile cache, Node >= 22), i.e. `npm run bench` meets its synth
 *    and CLI start-up targets with `FLASHCROWD_NO_BUNDLE=1`.
 */
export { CDKTF_WORKAROUNDS_ENV, cdktfWorkaroundsEnabled, setCdktfWorkarounds } from "./switch";
export { PreparedResolution, registerElementEditingAspect } from "./prepared-resolution";
export { withCheapStackTraces } from "./cheap-stack-traces";
export { appValidation, validateStacks, type AppValidation } from "./validation";
