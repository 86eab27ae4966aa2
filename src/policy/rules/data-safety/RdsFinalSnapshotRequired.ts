import { compliant, nonCompliant, notApplicable } from "../../check";
import { isBlank, isExpression, isTrue, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Destroying a database always leaves a final snapshot: `skip_final_snapshot` is never true (nor an
 * expression) and a `final_snapshot_identifier` is always set (without one a destroy fails, or with
 * skip = true, loses everything).
 */
export const RdsFinalSnapshotRequired: Rule = (json) =>
  resourcesOf(json, "aws_rds_cluster", "aws_db_instance").map((db) => {
    if (db.type === "aws_db_instance" && !isBlank(db.config.replicate_source_db)) return notApplicable(db, "read replica: the source keeps the data");
    const skip = db.config.skip_final_snapshot;
    if (isTrue(skip)) return nonCompliant(db, "skip_final_snapshot = true: destroying it loses the data");
    if (isExpression(skip)) return nonCompliant(db, `skip_final_snapshot is ${show(skip)}, known only at apply time; set it to false`);
    if (isBlank(db.config.final_snapshot_identifier)) return nonCompliant(db, "final_snapshot_identifier is not set; give each database a unique one");
    return compliant(db, `final snapshot ${show(db.config.final_snapshot_identifier)}`);
  });
