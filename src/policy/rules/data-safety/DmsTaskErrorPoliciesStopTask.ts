import { compliant, nonCompliant } from "../../check";
import { show } from "../../terraform";
import type { Rule } from "../../types";
import { protectedTasks, setting, settingsOf } from "./dms";

/** Error policies whose defaults log, ignore or suspend and carry on: each must stop the task instead. */
export const STOP_POLICIES = [
  "DataErrorPolicy",
  "DataTruncationErrorPolicy",
  "TableErrorPolicy",
  "ApplyErrorInsertPolicy",
  "ApplyErrorUpdatePolicy",
  "ApplyErrorDeletePolicy",
] as const;

/** A task writing into prod stops on any data, table or apply error rather than skipping rows. */
export const DmsTaskErrorPoliciesStopTask: Rule = (json, context) =>
  protectedTasks(json, context, (task) => {
    const parsed = settingsOf(task);
    if (!parsed.ok) return nonCompliant(task, `${parsed.reason} (error policies log and continue by default)`);
    const wrong = STOP_POLICIES.map((p) => ({ p, v: setting(parsed.settings, `ErrorBehavior.${p}`) })).filter(({ v }) => v !== "STOP_TASK");
    return wrong.length > 0
      ? nonCompliant(task, `ErrorBehavior ${wrong.map(({ p, v }) => `${p} = ${v === undefined ? "(default)" : show(v)}`).join(", ")}; each must be "STOP_TASK"`)
      : compliant(task, "every error policy stops the task");
  });
