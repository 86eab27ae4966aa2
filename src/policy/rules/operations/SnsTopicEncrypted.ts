import { mustBeSet } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Topics encrypt messages at rest with KMS. */
export const SnsTopicEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_sns_topic").map((t) => mustBeSet(t, "kms_master_key_id", "messages are stored unencrypted; set a KMS key"));
