import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, type BuildAppOptions } from "../../src/app/app";
import type { Config } from "../../src/config";
import { placeholderAddonInputs } from "./addon-inputs";
import { fixtureClock, fixtureConfig } from "./fixture-config";
import type { TerraformJson } from "./synth";

/**
 * Synthesizes the whole app for `config` (the fixture config by default) into a fresh temporary
 * folder and returns that folder. The clock is the fixture's unless `options` says otherwise.
 */
export function synthApp(config: Config = fixtureConfig(), options: Omit<BuildAppOptions, "outdir"> = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-synth-"));
  buildApp(config, { clock: fixtureClock, ...options, outdir }).synth();
  return outdir;
}

/** Every synthesized stack of an output folder, parsed, by stack id. */
export function stacksIn(outdir: string): Map<string, TerraformJson> {
  const dir = join(outdir, "stacks");
  return new Map(readdirSync(dir).map((id) => [id, JSON.parse(readFileSync(join(dir, id, "cdk.tf.json"), "utf8")) as TerraformJson]));
}

/**
 * The whole app with add-ons stacks, their platform inputs taken from placeholder resources in each
 * platform stack (as the EKS, ALB and logging modules will provide them), synthesized to a folder.
 */
export function synthAppWithAddons(config: Config = fixtureConfig()): { outdir: string; stacks: Map<string, TerraformJson> } {
  const outdir = synthApp(config, { addonInputs: (platform) => placeholderAddonInputs(platform) });
  return { outdir, stacks: stacksIn(outdir) };
}
