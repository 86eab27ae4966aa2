import { compliant, nonCompliant } from "../../check";
import { isTrue, show } from "../../terraform";
import type { Rule } from "../../types";
import { protectedTasks, setting, settingsOf } from "./dms";

/** A task writing into prod validates what it copied (teardown waits on zero failed records). */
export const DmsTaskValidationEnabled: Rule = (json, context) =>
  protectedTasks(json, context, (task) => {
    const parsed = settingsOf(task);
    if (!parsed.ok) return nonCompliant(task, `${parsed.reason} (validation is off by default)`);
    const enabled = setting(parsed.settings, "ValidationSettings.EnableValidation");
    return isTrue(enabled)
      ? compliant(task, "validation enabled")
      : nonCompliant(task, `ValidationSettings.EnableValidation is ${enabled === undefined ? "not set (default false)" : show(enabled)}; must be true`);
  });
