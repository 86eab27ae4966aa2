import { expectLiteral, mustBeTrue, notApplicable } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Databases of permanent stacks have deletion protection. Ephemeral (event) stacks are destroyed by
 * design; their data is kept by the final snapshot (RDS-FINAL-SNAPSHOT) and DMS into prod.
 */
export const RdsClusterDeletionProtectionEnabled: Rule = (json, context) =>
  resourcesOf(json, "aws_rds_cluster", "aws_db_instance").map((db) =>
    context.lifetime === "ephemeral"
      ? notApplicable(db, "ephemeral stack: destroyed by design after a final snapshot")
      : expectLiteral(db, mustBeTrue("deletion_protection", false)),
  );
