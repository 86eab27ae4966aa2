import { compliant, nonCompliant } from "../../check";
import { attribute, isBlank, refersTo, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Every distribution writes access logs: legacy `logging_config`, or a CloudWatch log delivery source (standard logging v2). */
export const CloudfrontDistributionLoggingEnabled: Rule = (json) => {
  const sources = resourcesOf(json, "aws_cloudwatch_log_delivery_source");
  return resourcesOf(json, "aws_cloudfront_distribution").map((d) => {
    if (!isBlank(attribute(d.config, "logging_config.bucket"))) return compliant(d, "logging_config to S3");
    const source = sources.find((s) => refersTo(s.config.resource_arn, d.address));
    return source ? compliant(d, `access logs delivered by ${source.address}`) : nonCompliant(d, "no logging_config and no aws_cloudwatch_log_delivery_source for this distribution");
  });
};
