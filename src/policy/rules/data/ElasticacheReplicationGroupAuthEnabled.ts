import { compliant, nonCompliant } from "../../check";
import { isBlank, resourcesOf, stringList } from "../../terraform";
import type { Rule } from "../../types";

/** Clients authenticate: an AUTH token, or RBAC user groups. */
export const ElasticacheReplicationGroupAuthEnabled: Rule = (json) =>
  resourcesOf(json, "aws_elasticache_replication_group").map((group) => {
    if (!isBlank(group.config.auth_token)) return compliant(group, "AUTH token set");
    const userGroups = group.config.user_group_ids;
    if (stringList(userGroups).length > 0) return compliant(group, "RBAC user groups attached");
    return nonCompliant(group, "neither auth_token nor user_group_ids is set: any client in the network can connect");
  });
