import { compliant, nonCompliant, notApplicable } from "../../check";
import { asNumber, isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Where config asks for high availability, a replication group fails over automatically to a replica in another AZ. */
export const ElasticacheReplicationGroupFailoverEnabled: Rule = (json, context) =>
  resourcesOf(json, "aws_elasticache_replication_group").map((group) => {
    if (!context.highAvailability) return notApplicable(group, "config does not ask for high availability in this stack");
    const problems: string[] = [];
    if (!isTrue(group.config.automatic_failover_enabled)) problems.push("automatic_failover_enabled is not true (default false)");
    if (!isTrue(group.config.multi_az_enabled)) problems.push("multi_az_enabled is not true (default false)");
    const nodes = asNumber(group.config.num_cache_clusters);
    const replicas = asNumber(group.config.replicas_per_node_group);
    if (!((nodes !== undefined && nodes >= 2) || (replicas !== undefined && replicas >= 1))) {
      problems.push("no replica: set num_cache_clusters >= 2 (or replicas_per_node_group >= 1)");
    }
    return problems.length > 0 ? nonCompliant(group, problems.join("; ")) : compliant(group, "multi-AZ with automatic failover");
  });
