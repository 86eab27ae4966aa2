import { compliant, nonCompliant } from "../../check";
import { partnersOf, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Every web ACL has a logging configuration. */
export const Wafv2WebAclLoggingEnabled: Rule = (json) =>
  resourcesOf(json, "aws_wafv2_web_acl").map((acl) => {
    const logging = partnersOf(json, "aws_wafv2_web_acl_logging_configuration", "resource_arn", acl);
    return logging.length > 0 ? compliant(acl, `logged by ${logging[0]!.address}`) : nonCompliant(acl, "no aws_wafv2_web_acl_logging_configuration for this web ACL");
  });
