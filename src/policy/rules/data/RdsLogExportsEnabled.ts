import { compliant, nonCompliant } from "../../check";
import { isExpression, resourcesOf, show, stringList } from "../../terraform";
import type { Rule } from "../../types";

/** Log types to export per engine family. */
const REQUIRED: Record<"mysql" | "postgresql", readonly string[]> = {
  mysql: ["audit", "error", "slowquery"],
  postgresql: ["postgresql"],
};

/** Database logs (audit, error and slow-query for MySQL; postgresql for PostgreSQL) go to CloudWatch Logs. */
export const RdsLogExportsEnabled: Rule = (json) =>
  resourcesOf(json, "aws_rds_cluster", "aws_db_instance").map((db) => {
    const engine = db.config.engine ?? (db.type === "aws_rds_cluster" ? "aurora" : undefined);
    if (typeof engine !== "string" || isExpression(engine)) {
      return nonCompliant(db, `engine is ${show(engine)}; set a literal engine so the required log exports are known`);
    }
    const family = /postgres/.test(engine) ? "postgresql" : /mysql|aurora|mariadb/.test(engine) ? "mysql" : undefined;
    if (!family) return compliant(db, `engine ${engine}: no required log exports`);
    const value = db.config.enabled_cloudwatch_logs_exports;
    if (isExpression(value)) return nonCompliant(db, `enabled_cloudwatch_logs_exports is ${show(value)}, known only at apply time`);
    const enabled = stringList(value);
    const missing = REQUIRED[family].filter((t) => !enabled.includes(t));
    return missing.length > 0
      ? nonCompliant(db, `enabled_cloudwatch_logs_exports lacks ${missing.join(", ")} (engine ${engine})`)
      : compliant(db, `exports ${enabled.join(", ")}`);
  });
