import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Redis / Valkey replication groups encrypt data at rest. */
export const ElasticacheReplicationGroupEncryptedAtRest: Rule = literalRule(["aws_elasticache_replication_group"], mustBeTrue("at_rest_encryption_enabled", false));
