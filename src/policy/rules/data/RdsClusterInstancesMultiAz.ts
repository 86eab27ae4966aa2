import { compliant, expectLiteral, mustBeTrue, nonCompliant, notApplicable } from "../../check";
import { isExpression, refersTo, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Where config asks for high availability, an Aurora cluster has instances in at least two
 * Availability Zones, each named literally (so a failover target survives an AZ loss), and an RDS
 * instance is Multi-AZ.
 */
export const RdsClusterInstancesMultiAz: Rule = (json, context) => {
  const instances = resourcesOf(json, "aws_rds_cluster_instance");
  return [
    ...resourcesOf(json, "aws_rds_cluster").map((cluster) => {
      if (!context.highAvailability) return notApplicable(cluster, "config does not ask for high availability in this stack");
      const literalId = cluster.config.cluster_identifier;
      const members = instances.filter((i) => {
        const ref = i.config.cluster_identifier;
        return refersTo(ref, cluster.address) || (typeof literalId === "string" && !isExpression(literalId) && ref === literalId);
      });
      if (members.length < 2) return nonCompliant(cluster, `${members.length} aws_rds_cluster_instance(s) in this cluster; high availability needs a writer and a reader in another AZ`);
      const unnamed = members.filter((m) => typeof m.config.availability_zone !== "string" || isExpression(m.config.availability_zone));
      if (unnamed.length > 0) {
        return nonCompliant(cluster, `availability_zone is not a literal on ${unnamed.map((m) => m.address).join(", ")} (${unnamed.map((m) => show(m.config.availability_zone)).join(", ")}); name each instance's AZ`);
      }
      const zones = new Set(members.map((m) => m.config.availability_zone as string));
      return zones.size >= 2 ? compliant(cluster, `instances in ${[...zones].join(", ")}`) : nonCompliant(cluster, `every instance is in ${[...zones][0]}`);
    }),
    ...resourcesOf(json, "aws_db_instance").map((db) =>
      context.highAvailability ? expectLiteral(db, mustBeTrue("multi_az", false)) : notApplicable(db, "config does not ask for high availability in this stack"),
    ),
  ];
};
