import { literalRule } from "../../check";
import { asNumber } from "../../terraform";
import type { Rule } from "../../types";

/** Replication groups keep daily snapshots (the default, 0, keeps none). */
export const ElasticacheReplicationGroupSnapshotsEnabled: Rule = literalRule(["aws_elasticache_replication_group"], {
  path: "snapshot_retention_limit",
  want: "at least 1 (days)",
  accept: (v) => (asNumber(v) ?? 0) >= 1,
  providerDefault: 0,
});
