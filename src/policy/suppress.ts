/**
 * Suppressions declared in code, next to the resource: `suppress(bucket, "S3-ACCESS-LOGS", "...")`.
 * They are written into the resource's `//` block (which Terraform ignores) by the modules' own
 * helper (modules/core/suppressions.ts), so they travel with the synthesized JSON and the pack
 * reads them back from there. This entry point also checks the rule id at construction.
 */
import type { TerraformResource } from "cdktf";
import { SUPPRESSIONS_KEY, suppressRule } from "../../modules/core/suppressions";
import { RULE_IDS, isRuleId, type RuleId } from "./ids";
import { isObject } from "./terraform";
import type { ResourceSuppression } from "./types";

export { SUPPRESSIONS_KEY };

/**
 * Silences `rule` for this one resource. The reason is mandatory and is printed in every report:
 * say why the rule does not apply here, not that it was inconvenient.
 */
export function suppress(resource: TerraformResource, rule: RuleId, reason: string): void {
  const problem = suppressionProblem(rule, reason);
  if (problem) throw new Error(`${resource.node.path}: ${problem}`);
  suppressRule(resource, rule, reason);
}

/** Why a suppression is invalid, or undefined when it is fine. */
export function suppressionProblem(rule: string, reason: unknown): string | undefined {
  if (!isRuleId(rule)) return `unknown policy rule "${rule}"${suggestion(rule)}; the rules are listed in docs/policy-rules.md`;
  if (typeof reason !== "string" || reason.trim() === "") return `suppressing ${rule} needs a written reason`;
  return undefined;
}

/** The suppressions a synthesized resource carries (unvalidated: the runner checks them). */
export function resourceSuppressions(config: Readonly<Record<string, unknown>>): ResourceSuppression[] {
  const meta = config["//"];
  const list = isObject(meta) ? meta[SUPPRESSIONS_KEY] : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((s) => ({ rule: String(s.rule ?? ""), reason: typeof s.reason === "string" ? s.reason : "" }));
}

/** The closest rule id, when the given one looks like a typo of it. */
function suggestion(rule: string): string {
  const wanted = rule.toUpperCase();
  let best: { id: string; distance: number } | undefined;
  for (const id of RULE_IDS) {
    const distance = editDistance(wanted, id);
    if (!best || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(best.id.length / 3)) ? ` (did you mean ${best.id}?)` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
