import { compliant, nonCompliant, notApplicable } from "../../check";
import { block, blocks, isBlank, resourcesOf, type Block } from "../../terraform";
import type { Rule } from "../../types";

/** S3 REST endpoints (a website endpoint is a custom origin and is reached over HTTP: not allowed). */
const S3_REST_DOMAIN = /\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$/;

/** S3 origins are private buckets reached through an origin access control (OAC), not public or via the legacy OAI. */
export const CloudfrontDistributionS3OriginAccessControl: Rule = (json) =>
  resourcesOf(json, "aws_cloudfront_distribution").map((d) => {
    const s3 = blocks(d.config.origin).filter(isS3Origin);
    if (s3.length === 0) return notApplicable(d, "no S3 origins");
    const missing = s3.filter((o) => isBlank(o.origin_access_control_id)).map((o) => String(o.origin_id));
    return missing.length > 0
      ? nonCompliant(d, `S3 origin(s) ${missing.join(", ")} have no origin_access_control_id`)
      : compliant(d, "S3 origins use origin access control");
  });

function isS3Origin(origin: Block): boolean {
  if (block(origin.custom_origin_config)) return false;
  if (block(origin.s3_origin_config)) return true;
  const domain = origin.domain_name;
  return typeof domain === "string" && (/aws_s3_bucket\.[^.]+\.bucket_(regional_)?domain_name/.test(domain) || S3_REST_DOMAIN.test(domain));
}
