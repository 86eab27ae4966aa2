import { compliant, nonCompliant } from "../../check";
import { isBlank, isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Queues encrypt messages at rest: a KMS key, or SQS-managed encryption set explicitly. */
export const SqsQueueEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_sqs_queue").map((q) => {
    if (!isBlank(q.config.kms_master_key_id)) return compliant(q, "encrypted with KMS");
    if (isTrue(q.config.sqs_managed_sse_enabled)) return compliant(q, "SQS-managed encryption");
    return nonCompliant(q, "neither kms_master_key_id nor sqs_managed_sse_enabled = true is set");
  });
