import { TerraformStack } from "cdktf";
import type { IConstruct, IValidation } from "constructs";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";

/**
 * Runs cdktf's construct validations (provider presence, anything a module registers) except the
 * local Terraform CLI version checks that the `cloud` block and `import` blocks add. Those shell
 * out to `terraform version` for every construct that carries one (~60 ms each) and fail outright
 * where no Terraform CLI is installed, although synthesis needs none; the version that matters is
 * the one pinned on the Terraform Cloud workspace. The App is therefore created with
 * `skipValidation` and this runs instead.
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
  if (!Array.isArray(list)) throw new Error("constructs no longer exposes Node._validations; update src/core/validate.ts");
  return list;
}

/** The stacks under `root`, in construction order. */
export function stacksOf(root: IConstruct): TerraformStack[] {
  return root.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
}
