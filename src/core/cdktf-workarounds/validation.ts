import type { IConstruct, IValidation } from "constructs";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { cdktfWorkaroundsEnabled } from "./switch";

/**
 * Runs cdktf's construct validations (provider presence, anything a module registers) except the
 * local Terraform CLI version checks that the `cloud` block and `import` blocks add. Those shell
 * out to `terraform version` for every construct that carries one (~60 ms each) and fail outright
 * where no Terraform CLI is installed, although synthesis needs none; the version that matters is
 * the one pinned on the Terraform Cloud workspace. While the cdktf workarounds are on (./index.ts),
 * buildApp() therefore creates the App with `skipValidation` and runs this instead.
 */
export function validateStacks(root: IConstruct): void {
  const problems = root.node.findAll().flatMap((c) =>
    validationsOf(c)
      .filter((v) => !(v instanceof ValidateBinaryVersion))
      .flatMap((v) => v.validate())
      .map((message) => `[${c.node.path}] ${message}`),
  );
  if (problems.length > 0) {
    throw new Error(`Stack validation failed:\n  ${problems.join("\n  ")}`);
  }
}

/**
 * The validations registered on a construct. constructs' `Node` runs them only all together
 * (`node.validate()`), so the list is read from its field; a test pins that this still works.
 */
function validationsOf(c: IConstruct): readonly IValidation[] {
  const list = (c.node as unknown as { _validations?: IValidation[] })._validations;
  if (!Array.isArray(list)) throw new Error("constructs no longer exposes Node._validations; update src/core/cdktf-workarounds/validation.ts");
  return list;
}

/** How an App is validated: the `skipValidation` it is created with, and what runs before its `synth()`. */
export interface AppValidation {
  readonly skipValidation: boolean;
  beforeSynth(app: IConstruct): void;
}

/**
 * The validation of a new App: {@link validateStacks} instead of cdktf's own pass while the cdktf
 * workarounds are on, else cdktf's own (in `App.synth()`, with the Terraform CLI version probes).
 * Decided once per App, so flipping the switch in between can neither skip both nor run both.
 */
export function appValidation(): AppValidation {
  return cdktfWorkaroundsEnabled() ? { skipValidation: true, beforeSynth: validateStacks } : { skipValidation: false, beforeSynth: () => undefined };
}
