import { mustBeSet } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Trails encrypt their log files with a customer-managed KMS key. */
export const CloudtrailKmsEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_cloudtrail").map((t) => mustBeSet(t, "kms_key_id", "set a KMS key whose policy lets cloudtrail.amazonaws.com encrypt"));
