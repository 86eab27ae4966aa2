import { compliant, nonCompliant } from "../../check";
import { attribute, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";
import { bucketPartners } from "./s3";

/** Every bucket keeps object versions (`aws_s3_bucket_versioning` with status Enabled). */
export const S3BucketVersioningEnabled: Rule = (json) =>
  resourcesOf(json, "aws_s3_bucket").map((bucket) => {
    const versioning = bucketPartners(json, "aws_s3_bucket_versioning", bucket);
    if (versioning.length === 0) return nonCompliant(bucket, "no aws_s3_bucket_versioning for this bucket (versioning is off by default)");
    const status = attribute(versioning[0]!.config, "versioning_configuration.status");
    return status === "Enabled" ? compliant(bucket, "versioning Enabled") : nonCompliant(bucket, `${versioning[0]!.address} status = ${show(status)}; must be "Enabled"`);
  });
