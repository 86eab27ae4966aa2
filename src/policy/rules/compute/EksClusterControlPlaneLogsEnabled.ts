import { compliant, nonCompliant } from "../../check";
import { isExpression, resourcesOf, show, stringList } from "../../terraform";
import type { Rule } from "../../types";

export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Every EKS control-plane log type goes to CloudWatch Logs. */
export const EksClusterControlPlaneLogsEnabled: Rule = (json) =>
  resourcesOf(json, "aws_eks_cluster").map((cluster) => {
    const value = cluster.config.enabled_cluster_log_types;
    if (value === undefined) return nonCompliant(cluster, `enabled_cluster_log_types is not set (default: none); list ${EKS_LOG_TYPES.join(", ")}`);
    if (isExpression(value)) return nonCompliant(cluster, `enabled_cluster_log_types is ${show(value)}, known only at apply time; list the types literally`);
    const enabled = stringList(value);
    const missing = EKS_LOG_TYPES.filter((t) => !enabled.includes(t));
    return missing.length > 0 ? nonCompliant(cluster, `enabled_cluster_log_types lacks ${missing.join(", ")}`) : compliant(cluster, "all control-plane logs enabled");
  });
