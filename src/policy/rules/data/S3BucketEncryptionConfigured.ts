import { compliant, nonCompliant } from "../../check";
import { attribute, blocks, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { bucketPartners } from "./s3";

const ALGORITHMS = ["aws:kms", "aws:kms:dsse", "AES256"];

/** Every bucket declares default encryption (`aws_s3_bucket_server_side_encryption_configuration`). */
export const S3BucketEncryptionConfigured: Rule = (json) =>
  resourcesOf(json, "aws_s3_bucket").map((bucket) => {
    const configs = bucketPartners(json, "aws_s3_bucket_server_side_encryption_configuration", bucket);
    if (configs.length === 0) return nonCompliant(bucket, "no aws_s3_bucket_server_side_encryption_configuration for this bucket");
    const algorithms = configs.flatMap((c) => blocks(c.config.rule).map((r) => attribute(r, "apply_server_side_encryption_by_default.sse_algorithm")));
    const good = algorithms.find((a): a is string => typeof a === "string" && ALGORITHMS.includes(a));
    return good ? compliant(bucket, `default encryption ${good}`) : nonCompliant(bucket, `${configs[0]!.address} sets no sse_algorithm of ${ALGORITHMS.join(", ")}`);
  });
