/**
 * Runs the pack over synthesized stacks: every rule over every stack's Terraform JSON, then the
 * suppressions (in code on the resource, or in config for whole stacks), into a report.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { POLICY_PACK } from "./pack";
import { resourceSuppressions, suppressionProblem } from "./suppress";
import { globMatch } from "./terraform";
import type { AppliedSuppression, Finding, PolicyContext, PolicyDefinition, PolicyInputs, RuleId, StackSuppression, TerraformJson } from "./types";

/** Rule id of findings about the pack's own input: an invalid suppression, a rule that failed. */
export const PACK_PROBLEM = "POLICY-PACK";

/** A finding, or a problem with a suppression or a rule (always an unsuppressible error). */
export type ReportedFinding = Omit<Finding, "rule"> & { readonly rule: RuleId | typeof PACK_PROBLEM };

export interface StackCounts {
  /** Unsuppressed error findings: any fails synthesis. */
  readonly errors: number;
  /** Unsuppressed warning findings. */
  readonly warnings: number;
  /** Findings silenced by a suppression with a reason. */
  readonly suppressed: number;
  /** Resource checks that passed. */
  readonly compliant: number;
  /** Resource checks that did not apply (e.g. deletion protection in an ephemeral stack). */
  readonly notApplicable: number;
}

export interface UsedSuppression {
  readonly stack: string;
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  readonly source: AppliedSuppression["source"];
  readonly configIndex?: number;
}

export interface UnusedSuppression {
  readonly stack?: string;
  readonly rule: string;
  readonly resource?: string;
  readonly reason: string;
  readonly source: AppliedSuppression["source"];
  readonly configIndex?: number;
}

export interface StackReport {
  readonly stack: string;
  readonly kind: PolicyContext["kind"];
  readonly lifetime: PolicyContext["lifetime"];
  readonly counts: StackCounts;
  /** Every violation: errors first, then warnings, then suppressed ones. */
  readonly findings: readonly ReportedFinding[];
}

/** The JSON the `policy` command writes (`--json`); its shape is documented in docs/policy-rules.md and kept stable. */
export interface PolicyReport {
  readonly version: 1;
  /** No unsuppressed error in any stack. */
  readonly ok: boolean;
  readonly totals: Pick<StackCounts, "errors" | "warnings" | "suppressed">;
  readonly stacks: readonly StackReport[];
  /** Every suppression that silenced a finding, with its reason. */
  readonly suppressions: readonly UsedSuppression[];
  /** Suppressions that silenced nothing (the rule passes, or no such resource): candidates for removal. */
  readonly unusedSuppressions: readonly UnusedSuppression[];
}

export interface StackEvaluation {
  readonly report: StackReport;
  readonly used: readonly UsedSuppression[];
  readonly unusedResourceSuppressions: readonly UnusedSuppression[];
  /** Indexes of config suppressions that silenced something in this stack. */
  readonly usedConfigIndexes: ReadonlySet<number>;
}

/** Evaluates one stack's JSON: pure, for tests and for {@link runPolicy}. */
export function evaluateStack(
  json: TerraformJson,
  context: PolicyContext,
  configSuppressions: readonly StackSuppression[] = [],
  pack: readonly PolicyDefinition[] = POLICY_PACK,
): StackEvaluation {
  const stack = context.stackId;
  const findings: ReportedFinding[] = [];
  const used: UsedSuppression[] = [];
  const usedConfigIndexes = new Set<number>();
  const usedResourceKeys = new Set<string>();
  let compliant = 0;
  let notApplicable = 0;

  const declared = declaredSuppressions(json);
  for (const [address, list] of declared) {
    for (const s of list) {
      const problem = suppressionProblem(s.rule, s.reason);
      if (problem) findings.push(packProblem(stack, address, `invalid suppression: ${problem}`));
    }
  }

  for (const definition of pack) {
    let results;
    try {
      results = definition.rule(json, context);
    } catch (error) {
      findings.push(packProblem(stack, "(stack)", `rule ${definition.id} failed: ${(error as Error).message}`));
      continue;
    }
    for (const result of results) {
      if (result.status === "compliant") compliant++;
      else if (result.status === "not_applicable") notApplicable++;
      if (result.status !== "non_compliant") continue;
      const suppressed = findSuppression(definition.id, result.address, context, declared, configSuppressions);
      if (suppressed) {
        if (suppressed.source === "resource") usedResourceKeys.add(`${result.address}\u0000${definition.id}`);
        if (suppressed.configIndex !== undefined) usedConfigIndexes.add(suppressed.configIndex);
        used.push({ stack, rule: definition.id, resource: result.address, reason: suppressed.reason, source: suppressed.source, configIndex: suppressed.configIndex });
      }
      findings.push({
        stack,
        rule: definition.id,
        severity: definition.severity,
        title: definition.title,
        resource: result.address,
        message: result.message,
        fix: definition.fix,
        reference: definition.reference,
        ...(suppressed ? { suppressed } : {}),
      });
    }
  }

  const unusedResourceSuppressions: UnusedSuppression[] = [];
  for (const [address, list] of declared) {
    for (const s of list) {
      if (suppressionProblem(s.rule, s.reason)) continue;
      if (!usedResourceKeys.has(`${address}\u0000${s.rule}`)) unusedResourceSuppressions.push({ stack, rule: s.rule, resource: address, reason: s.reason, source: "resource" });
    }
  }

  const order = new Map(pack.map((p, i) => [p.id as string, i]));
  const rank = (f: ReportedFinding) => (f.suppressed ? 2 : f.severity === "error" ? 0 : 1);
  findings.sort((a, b) => rank(a) - rank(b) || (order.get(a.rule) ?? -1) - (order.get(b.rule) ?? -1) || a.resource.localeCompare(b.resource));
  const open = findings.filter((f) => !f.suppressed);
  return {
    report: {
      stack,
      kind: context.kind,
      lifetime: context.lifetime,
      counts: {
        errors: open.filter((f) => f.severity === "error").length,
        warnings: open.filter((f) => f.severity === "warning").length,
        suppressed: findings.length - open.length,
        compliant,
        notApplicable,
      },
      findings,
    },
    used,
    unusedResourceSuppressions,
    usedConfigIndexes,
  };
}

export interface RunPolicyOptions extends PolicyInputs {
  /** Folder `synth` wrote (holds `stacks/<id>/cdk.tf.json`). */
  readonly synthDir: string;
  /** Only these stacks. @default every stack in the folder */
  readonly stacks?: readonly string[];
}

/** Runs the pack over every synthesized stack and applies the suppressions. */
export function runPolicy(options: RunPolicyOptions): PolicyReport {
  const root = join(options.synthDir, "stacks");
  const all = existsSync(root) ? readdirSync(root).filter((s) => existsSync(join(root, s, "cdk.tf.json"))).sort() : [];
  const wanted = options.stacks ? all.filter((s) => options.stacks!.includes(s)) : all;
  const configSuppressions = options.suppressions;
  const stacks: StackReport[] = [];
  const suppressions: UsedSuppression[] = [];
  const unused: UnusedSuppression[] = [];
  const usedConfig = new Set<number>();
  for (const stack of wanted) {
    const json = JSON.parse(readFileSync(join(root, stack, "cdk.tf.json"), "utf8")) as TerraformJson;
    const evaluation = evaluateStack(json, options.contextOf(stack), configSuppressions);
    stacks.push(evaluation.report);
    suppressions.push(...evaluation.used);
    unused.push(...evaluation.unusedResourceSuppressions);
    evaluation.usedConfigIndexes.forEach((i) => usedConfig.add(i));
  }
  configSuppressions.forEach((s, configIndex) => {
    if (!usedConfig.has(configIndex)) unused.push({ rule: s.rule, reason: s.reason, source: "config", configIndex });
  });
  const totals = {
    errors: stacks.reduce((n, s) => n + s.counts.errors, 0),
    warnings: stacks.reduce((n, s) => n + s.counts.warnings, 0),
    suppressed: stacks.reduce((n, s) => n + s.counts.suppressed, 0),
  };
  return { version: 1, ok: totals.errors === 0, totals, stacks, suppressions, unusedSuppressions: unused };
}

function declaredSuppressions(json: TerraformJson): Map<string, ReturnType<typeof resourceSuppressions>> {
  const out = new Map<string, ReturnType<typeof resourceSuppressions>>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      const list = resourceSuppressions(config);
      if (list.length > 0) out.set(`${type}.${name}`, list);
    }
  }
  return out;
}

function findSuppression(
  rule: RuleId,
  address: string,
  context: PolicyContext,
  declared: ReadonlyMap<string, ReturnType<typeof resourceSuppressions>>,
  configSuppressions: readonly StackSuppression[],
): AppliedSuppression | undefined {
  const own = declared.get(address)?.find((s) => s.rule === rule && !suppressionProblem(s.rule, s.reason));
  if (own) return { source: "resource", reason: own.reason.trim() };
  const configIndex = configSuppressions.findIndex(
    (s) =>
      s.rule === rule &&
      (s.stacks === undefined || globMatch(s.stacks, context.stackId)) &&
      (s.kind === undefined || s.kind === context.kind) &&
      (s.resources === undefined || globMatch(s.resources, address)),
  );
  if (configIndex < 0) return undefined;
  return { source: "config", reason: configSuppressions[configIndex]!.reason.trim(), configIndex };
}

function packProblem(stack: string, resource: string, message: string): ReportedFinding {
  return {
    stack,
    rule: PACK_PROBLEM,
    severity: "error",
    title: "Policy pack input is invalid",
    resource,
    message,
    fix: "Use a rule id from the pack and a non-empty reason in suppress(); report a failing rule as a bug.",
    reference: {},
  };
}
