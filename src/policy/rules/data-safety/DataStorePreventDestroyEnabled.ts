import { compliant, nonCompliant, notApplicable } from "../../check";
import { attribute, isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Resources whose destruction loses data of record. */
export const DATA_STORE_TYPES = [
  "aws_rds_cluster",
  "aws_db_instance",
  "aws_dynamodb_table",
  "aws_efs_file_system",
  "aws_s3_bucket",
  "aws_backup_vault",
] as const;

/** In the stack events sync into (prod), data stores carry `lifecycle.prevent_destroy`, so no plan can destroy them. */
export const DataStorePreventDestroyEnabled: Rule = (json, context) =>
  resourcesOf(json, ...DATA_STORE_TYPES).map((store) => {
    if (!context.prod) return notApplicable(store, `not the ${context.syncTo} stack`);
    return isTrue(attribute(store.config, "lifecycle.prevent_destroy"))
      ? compliant(store, "lifecycle.prevent_destroy = true")
      : nonCompliant(store, "lifecycle.prevent_destroy is not true: a plan may destroy it");
  });
