import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** IAM database authentication is on, so applications can connect with short-lived IAM tokens. */
export const RdsIamAuthenticationEnabled: Rule = literalRule(["aws_rds_cluster", "aws_db_instance"], mustBeTrue("iam_database_authentication_enabled", false));
