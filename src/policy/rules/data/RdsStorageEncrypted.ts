import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Aurora clusters and RDS instances encrypt their storage (the provider default is unencrypted). */
export const RdsStorageEncrypted: Rule = literalRule(["aws_rds_cluster", "aws_db_instance"], mustBeTrue("storage_encrypted", false));
