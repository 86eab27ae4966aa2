import { mustBeSet } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Log groups are encrypted with a customer-managed KMS key. */
export const CloudwatchLogGroupKmsEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_cloudwatch_log_group").map((g) => mustBeSet(g, "kms_key_id", "set a KMS key (granted to logs.<region>.amazonaws.com)"));
