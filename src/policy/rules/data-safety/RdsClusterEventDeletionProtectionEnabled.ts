import { compliant, nonCompliant, notApplicable } from "../../check";
import { isBlank, isExpression, isTrue, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/**
 * An event database is destroyable only through the verified teardown: `deletion_protection` is
 * true (the teardown turns it off through the RDS API right before its destroy run, so any other
 * destroy fails at the database), and the destroy leaves a named final snapshot
 * (`skip_final_snapshot` not true, a `final_snapshot_identifier`).
 */
export const RdsClusterEventDeletionProtectionEnabled: Rule = (json, context) =>
  resourcesOf(json, "aws_rds_cluster").map((db) => {
    if (context.kind !== "event") return notApplicable(db, "not an event stack (RDS-DELETION-PROTECTION and PROD-PREVENT-DESTROY cover permanent stacks)");
    const problems: string[] = [];
    const protection = db.config.deletion_protection;
    if (!isTrue(protection)) {
      problems.push(
        protection === undefined
          ? "deletion_protection is not set (default false)"
          : isExpression(protection)
            ? `deletion_protection is ${show(protection)}, known only at apply time`
            : `deletion_protection = ${show(protection)}`,
      );
    }
    const skip = db.config.skip_final_snapshot;
    if (isTrue(skip) || isExpression(skip)) problems.push(`skip_final_snapshot = ${show(skip)}`);
    if (isBlank(db.config.final_snapshot_identifier)) problems.push("final_snapshot_identifier is not set");
    return problems.length > 0
      ? nonCompliant(db, `${problems.join("; ")}: a destroy that skipped the verified teardown could delete the event's data`)
      : compliant(db, `deletion protection on until the verified teardown; final snapshot ${show(db.config.final_snapshot_identifier)}`);
  });
