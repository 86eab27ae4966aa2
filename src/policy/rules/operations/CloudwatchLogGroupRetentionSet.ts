import { literalRule } from "../../check";
import { asNumber } from "../../terraform";
import type { Rule } from "../../types";

/** Log groups expire their events (absent or 0 keeps them forever, and bills for them forever). */
export const CloudwatchLogGroupRetentionSet: Rule = literalRule(["aws_cloudwatch_log_group"], {
  path: "retention_in_days",
  want: "a retention in days (e.g. 30, 90, 365)",
  accept: (v) => (asNumber(v) ?? 0) > 0,
  providerDefault: 0,
});
