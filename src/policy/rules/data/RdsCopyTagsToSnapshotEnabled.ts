import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Snapshots carry the database's tags (owner, stack, event), so orphaned snapshots can be traced. */
export const RdsCopyTagsToSnapshotEnabled: Rule = literalRule(["aws_rds_cluster", "aws_db_instance"], mustBeTrue("copy_tags_to_snapshot", false));
