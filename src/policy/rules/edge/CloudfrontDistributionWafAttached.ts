import { mustBeSet } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Every distribution is protected by a WAF web ACL. */
export const CloudfrontDistributionWafAttached: Rule = (json) =>
  resourcesOf(json, "aws_cloudfront_distribution").map((d) => mustBeSet(d, "web_acl_id", "attach a WAFv2 web ACL (scope CLOUDFRONT, us-east-1)"));
