import { compliant, nonCompliant } from "../../check";
import { show } from "../../terraform";
import type { Rule } from "../../types";
import { protectedTasks, setting, settingsOf } from "./dms";

/**
 * A task writing into prod leaves the target tables alone: `FullLoadSettings.TargetTablePrepMode`
 * is DO_NOTHING. The DMS default, DROP_AND_CREATE, drops prod's tables before the full load.
 */
export const DmsTaskTargetTablePrepModeDoNothing: Rule = (json, context) =>
  protectedTasks(json, context, (task) => {
    const parsed = settingsOf(task);
    if (!parsed.ok) return nonCompliant(task, `${parsed.reason} (TargetTablePrepMode DROP_AND_CREATE drops the target tables)`);
    const mode = setting(parsed.settings, "FullLoadSettings.TargetTablePrepMode");
    if (mode === "DO_NOTHING") return compliant(task, "TargetTablePrepMode DO_NOTHING");
    return mode === undefined
      ? nonCompliant(task, "FullLoadSettings.TargetTablePrepMode is not set (DMS default DROP_AND_CREATE drops the target tables)")
      : nonCompliant(task, `FullLoadSettings.TargetTablePrepMode = ${show(mode)}; must be "DO_NOTHING"`);
  });
