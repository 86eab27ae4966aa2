import { literalRule } from "../../check";
import { isFalse } from "../../terraform";
import type { Rule } from "../../types";

/** No database instance gets a public address. */
export const RdsInstanceNotPubliclyAccessible: Rule = literalRule(["aws_rds_cluster_instance", "aws_db_instance"], {
  path: "publicly_accessible",
  want: "false",
  accept: isFalse,
  providerDefault: false,
});
