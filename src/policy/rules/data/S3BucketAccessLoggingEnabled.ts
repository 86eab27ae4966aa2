import { compliant, nonCompliant, notApplicable } from "../../check";
import { refersTo, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { bucketPartners } from "./s3";

/** Every bucket logs requests to a log bucket (`aws_s3_bucket_logging`); log buckets themselves are exempt. */
export const S3BucketAccessLoggingEnabled: Rule = (json) => {
  const logging = resourcesOf(json, "aws_s3_bucket_logging");
  return resourcesOf(json, "aws_s3_bucket").map((bucket) => {
    const name = bucket.config.bucket;
    const isTarget = logging.some((l) => refersTo(l.config.target_bucket, bucket.address) || (typeof name === "string" && l.config.target_bucket === name));
    if (isTarget) return notApplicable(bucket, "receives other buckets' access logs (logging it into itself would loop)");
    const own = bucketPartners(json, "aws_s3_bucket_logging", bucket);
    return own.length > 0 ? compliant(bucket, `${own[0]!.address} logs access`) : nonCompliant(bucket, "no aws_s3_bucket_logging for this bucket");
  });
};
