import { CloudBackend, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Runs cdktf's construct validations (provider presence, anything a module registers) except the
 * one the `cloud` block adds: it shells out to `terraform version` once per stack, which costs
 * ~60 ms a stack and fails outright where no Terraform CLI is installed, although synthesis needs
 * none. The App is therefore created with `skipValidation` and this runs instead.
 */
export function validateStacks(root: IConstruct): void {
  const problems = root.node
    .findAll()
    .filter((c) => !(c instanceof CloudBackend))
    .flatMap((c) => c.node.validate().map((message) => `[${c.node.path}] ${message}`));
  if (problems.length > 0) {
    throw new Error(`Stack validation failed:\n  ${problems.join("\n  ")}`);
  }
}

/** The stacks under `root`, in construction order. */
export function stacksOf(root: IConstruct): TerraformStack[] {
  return root.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
}
