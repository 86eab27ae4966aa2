import { expectLiteral, mustBeTrue, notApplicable } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Databases of permanent stacks have deletion protection. Ephemeral (event) stacks are destroyed by
 * design, so their clusters answer to EVENT-DB-PROTECTED-UNTIL-TEARDOWN instead (protected until
 * the verified teardown releases them, final snapshot either way).
 */
export const RdsClusterDeletionProtectionEnabled: Rule = (json, context) =>
  resourcesOf(json, "aws_rds_cluster", "aws_db_instance").map((db) =>
    context.lifetime === "ephemeral"
      ? notApplicable(db, "ephemeral stack: destroyed by design; EVENT-DB-PROTECTED-UNTIL-TEARDOWN applies")
      : expectLiteral(db, mustBeTrue("deletion_protection", false)),
  );
