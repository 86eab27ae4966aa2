/** DMS tasks (classic and serverless), their settings and whether they write into the protected database. */
import { notApplicable } from "../../check";
import { isObject, parseJsonAttribute, refersTo, resourcesOf, type TfResource } from "../../terraform";
import type { PolicyContext, RuleResult, TerraformJson } from "../../types";

export const TASK_TYPES = ["aws_dms_replication_task", "aws_dms_replication_config"];

const SETTINGS_ATTRIBUTE: Record<string, string> = {
  aws_dms_replication_task: "replication_task_settings",
  aws_dms_replication_config: "replication_settings",
};

export type TaskSettings = { readonly ok: true; readonly settings: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly reason: string };

export function settingsOf(task: TfResource): TaskSettings {
  const name = SETTINGS_ATTRIBUTE[task.type]!;
  const parsed = parseJsonAttribute(task.config[name], name);
  if (!parsed.ok) return { ok: false, reason: `${parsed.reason}; every setting then takes the DMS default` };
  return isObject(parsed.value) ? { ok: true, settings: parsed.value } : { ok: false, reason: `${name} is not a JSON object` };
}

/**
 * Whether a task writes into the environment events sync into: every task of an event stack does
 * (that is what event DMS is for), every task of that environment's own stack does, and elsewhere a
 * task whose target endpoint reads that environment's remote state.
 */
export function targetsProtectedDatabase(json: TerraformJson, task: TfResource, context: PolicyContext): boolean {
  if (context.kind === "event" || context.prod) return true;
  const marker = `cross-stack-reference-input-${context.syncTo}`;
  const target = task.config.target_endpoint_arn;
  const endpoints = resourcesOf(json, "aws_dms_endpoint").filter((e) => refersTo(target, e.address));
  return JSON.stringify(target ?? "").includes(marker) || endpoints.some((e) => JSON.stringify(e.config).includes(marker));
}

/** Runs `check` on every task writing into the protected database; others are not applicable. */
export function protectedTasks(json: TerraformJson, context: PolicyContext, check: (task: TfResource) => RuleResult): RuleResult[] {
  return resourcesOf(json, ...TASK_TYPES).map((task) =>
    targetsProtectedDatabase(json, task, context) ? check(task) : notApplicable(task, `does not write into the ${context.syncTo} database`),
  );
}

/** `a.b` inside parsed settings. */
export function setting(settings: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = settings;
  for (const key of path.split(".")) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
