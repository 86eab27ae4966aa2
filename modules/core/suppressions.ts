/**
 * Suppressions of the policy pack declared in code, next to the resource:
 * `suppressRule(secret, "SECRET-ROTATION", "...")`. They are written into the resource's `//`
 * block (which Terraform ignores), so they travel with the synthesized JSON; the pack reads them
 * back from there and reports any that names no rule of the pack as an error of the stack.
 */
import type { TerraformResource } from "cdktf";

/** Key under the resource's `//` block. */
export const SUPPRESSIONS_KEY = "policy_suppressions";

/** One declared suppression: the rule id and why it does not apply to the resource. */
export interface DeclaredSuppression {
  readonly rule: string;
  readonly reason: string;
}

const declared = new WeakMap<TerraformResource, DeclaredSuppression[]>();

/**
 * Silences policy rule `rule` for this one resource. The reason is mandatory and is printed in
 * every report: say why the rule does not apply here, not that it was inconvenient.
 */
export function suppressRule(resource: TerraformResource, rule: string, reason: string): void {
  if (reason.trim() === "") throw new Error(`${resource.node.path}: suppressing ${rule} needs a written reason`);
  const list = declared.get(resource) ?? [];
  if (list.some((s) => s.rule === rule)) throw new Error(`${resource.node.path}: ${rule} is already suppressed on this resource`);
  list.push({ rule, reason: reason.trim() });
  declared.set(resource, list);
  resource.addOverride(`//.${SUPPRESSIONS_KEY}`, list.map((s) => ({ ...s })));
}
