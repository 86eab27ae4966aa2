import { expectLiteral } from "../../check";
import { asNumber, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** AWS's retention when `backup_retention_period` is absent. */
const AWS_DEFAULT_RETENTION_DAYS = 1;

/**
 * Automated backups are kept 7-35 days in permanent stacks (a week of point-in-time recovery), at
 * least a day in ephemeral ones (the final snapshot covers the rest).
 */
export const RdsBackupRetentionSufficient: Rule = (json, context) => {
  const min = context.lifetime === "ephemeral" ? 1 : 7;
  return resourcesOf(json, "aws_rds_cluster", "aws_db_instance").map((db) =>
    expectLiteral(db, {
      path: "backup_retention_period",
      want: `between ${min} and 35 days (${context.lifetime} stack)`,
      accept: (v) => {
        const days = asNumber(v);
        return days !== undefined && days >= min && days <= 35;
      },
      providerDefault: AWS_DEFAULT_RETENTION_DAYS,
    }),
  );
};
