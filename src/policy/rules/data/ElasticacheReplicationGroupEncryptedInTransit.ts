import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Redis / Valkey replication groups encrypt traffic (TLS) between clients and nodes. */
export const ElasticacheReplicationGroupEncryptedInTransit: Rule = literalRule(["aws_elasticache_replication_group"], mustBeTrue("transit_encryption_enabled", false));
