import { compliant, nonCompliant } from "../../check";
import { isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { bucketPartners } from "./s3";

export const PUBLIC_ACCESS_BLOCK_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

/** Every bucket has its own public access block with all four flags on (each defaults to false). */
export const S3BucketPublicAccessBlocked: Rule = (json) =>
  resourcesOf(json, "aws_s3_bucket").map((bucket) => {
    const blocks = bucketPartners(json, "aws_s3_bucket_public_access_block", bucket);
    if (blocks.length === 0) return nonCompliant(bucket, "no aws_s3_bucket_public_access_block for this bucket");
    const pab = blocks[0]!;
    const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => !isTrue(pab.config[flag]));
    return off.length > 0 ? nonCompliant(bucket, `${pab.address} does not set ${off.join(", ")} to true (default false)`) : compliant(bucket, `${pab.address} blocks all public access`);
  });
