import { compliant, nonCompliant } from "../../check";
import { attribute, isBlank, isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { LB_TYPES } from "./load-balancers";

/** Load balancers write access logs to S3 (`access_logs` with a bucket and `enabled = true`; enabled defaults to false). */
export const LbAccessLogsEnabled: Rule = (json) =>
  resourcesOf(json, ...LB_TYPES).map((lb) => {
    if (isBlank(attribute(lb.config, "access_logs.bucket"))) return nonCompliant(lb, "access_logs.bucket is not set");
    if (!isTrue(attribute(lb.config, "access_logs.enabled"))) return nonCompliant(lb, "access_logs.enabled is not true (default false, even with a bucket)");
    return compliant(lb, "access logs enabled");
  });
