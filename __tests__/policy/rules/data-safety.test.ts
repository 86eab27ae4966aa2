import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DmsEndpoint } from "@cdktf/provider-aws/lib/dms-endpoint";
import { DmsReplicationInstance } from "@cdktf/provider-aws/lib/dms-replication-instance";
import { DmsReplicationTask } from "@cdktf/provider-aws/lib/dms-replication-task";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import type { TerraformStack } from "cdktf";
import { describe, it } from "vitest";
import { expectCase, type RuleCase } from "../helpers";

const CLUSTER = "aws_rds_cluster.db";
const cluster = (s: TerraformStack, extra: Partial<RdsClusterConfig> = {}) =>
  new RdsCluster(s, "db", { engine: "aurora-mysql", clusterIdentifier: "flashcrowd-event-x-db", manageMasterUserPassword: true, masterUsername: "admin", ...extra });

describe("RDS-FINAL-SNAPSHOT", () => {
  it.each<RuleCase>([
    { name: "skip_final_snapshot = true", build: (s) => cluster(s, { skipFinalSnapshot: true, finalSnapshotIdentifier: "x" }), address: CLUSTER, status: "non_compliant", message: /loses the data/ },
    { name: "skip as an expression", build: (s) => cluster(s, { skipFinalSnapshot: "${var.skip}" as unknown as boolean, finalSnapshotIdentifier: "x" }), address: CLUSTER, status: "non_compliant", message: /known only at apply time/ },
    { name: "no final_snapshot_identifier", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant", message: /final_snapshot_identifier is not set/ },
    { name: "final snapshot with an identifier", build: (s) => cluster(s, { skipFinalSnapshot: false, finalSnapshotIdentifier: "flashcrowd-event-x-db-final" }), address: CLUSTER, status: "compliant" },
    { name: "a read replica instance", build: (s) => new DbInstance(s, "replica", { instanceClass: "db.t4g.micro", replicateSourceDb: "primary" }), address: "aws_db_instance.replica", status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("RDS-FINAL-SNAPSHOT", c));
});

describe("EVENT-DB-PROTECTED-UNTIL-TEARDOWN", () => {
  const EVENT = { kind: "event", lifetime: "ephemeral" } as const;
  const safe: Partial<RdsClusterConfig> = {
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "flashcrowd-event-x-db-final",
    lifecycle: { ignoreChanges: ["deletion_protection"] },
  };
  it.each<RuleCase>([
    { name: "protected, with a final snapshot", build: (s) => cluster(s, safe), address: CLUSTER, status: "compliant", ctx: EVENT },
    { name: "deletion protection off", build: (s) => cluster(s, { ...safe, deletionProtection: false }), address: CLUSTER, status: "non_compliant", message: /deletion_protection = false/, ctx: EVENT },
    { name: "deletion protection left out", build: (s) => cluster(s, { ...safe, deletionProtection: undefined }), address: CLUSTER, status: "non_compliant", message: /not set \(default false\)/, ctx: EVENT },
    { name: "deletion protection as an expression", build: (s) => cluster(s, { ...safe, deletionProtection: "${var.p}" as unknown as boolean }), address: CLUSTER, status: "non_compliant", message: /known only at apply time/, ctx: EVENT },
    { name: "the final snapshot skipped", build: (s) => cluster(s, { ...safe, skipFinalSnapshot: true }), address: CLUSTER, status: "non_compliant", message: /skip_final_snapshot = true/, ctx: EVENT },
    { name: "no final snapshot name", build: (s) => cluster(s, { ...safe, finalSnapshotIdentifier: undefined }), address: CLUSTER, status: "non_compliant", message: /final_snapshot_identifier is not set/, ctx: EVENT },
    { name: "a cluster of a permanent stack", build: (s) => cluster(s, { deletionProtection: false }), address: CLUSTER, status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("EVENT-DB-PROTECTED-UNTIL-TEARDOWN", c));
});

describe("S3-NO-FORCE-DESTROY", () => {
  it.each<RuleCase>([
    { name: "force_destroy = true", build: (s) => new S3Bucket(s, "b", { bucket: "x", forceDestroy: true }), address: "aws_s3_bucket.b", status: "non_compliant" },
    { name: "absent (default false)", build: (s) => new S3Bucket(s, "b", { bucket: "x" }), address: "aws_s3_bucket.b", status: "compliant" },
  ])("$name: $status", (c) => expectCase("S3-NO-FORCE-DESTROY", c));
});

describe("SECRET-RECOVERY-WINDOW", () => {
  it.each<RuleCase>([
    { name: "0 (deleted at once)", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db", recoveryWindowInDays: 0 }), address: "aws_secretsmanager_secret.secret", status: "non_compliant" },
    { name: "absent (default 30)", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db" }), address: "aws_secretsmanager_secret.secret", status: "compliant" },
    { name: "7 days", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db", recoveryWindowInDays: 7 }), address: "aws_secretsmanager_secret.secret", status: "compliant" },
  ])("$name: $status", (c) => expectCase("SECRET-RECOVERY-WINDOW", c));
});

const SAFE_SETTINGS = {
  FullLoadSettings: { TargetTablePrepMode: "DO_NOTHING" },
  ValidationSettings: { EnableValidation: true },
  ErrorBehavior: {
    DataErrorPolicy: "STOP_TASK",
    DataTruncationErrorPolicy: "STOP_TASK",
    TableErrorPolicy: "STOP_TASK",
    ApplyErrorInsertPolicy: "STOP_TASK",
    ApplyErrorUpdatePolicy: "STOP_TASK",
    ApplyErrorDeletePolicy: "STOP_TASK",
  },
};
const TASK = "aws_dms_replication_task.sync";
const EVENT = { kind: "event", lifetime: "ephemeral" } as const;
/** An event -> prod task: the target endpoint reads prod's address from prod's remote state. */
const task = (s: TerraformStack, settings?: unknown, targetServer = "${data.terraform_remote_state.cross-stack-reference-input-prod.outputs.db}") => {
  const target = new DmsEndpoint(s, "prod-db", { endpointId: "prod", endpointType: "target", engineName: "aurora", serverName: targetServer, port: 3306, sslMode: "verify-full" });
  new DmsReplicationTask(s, "sync", {
    replicationTaskId: "sync",
    migrationType: "full-load-and-cdc",
    replicationInstanceArn: "arn:dms:ri",
    sourceEndpointArn: "arn:dms:source",
    targetEndpointArn: target.endpointArn,
    tableMappings: "{}",
    replicationTaskSettings: settings === undefined ? undefined : typeof settings === "string" ? settings : JSON.stringify(settings),
  });
};
const without = (section: "FullLoadSettings" | "ValidationSettings" | "ErrorBehavior", patch: Record<string, unknown>) => ({ ...SAFE_SETTINGS, [section]: { ...SAFE_SETTINGS[section], ...patch } });

describe("DMS-TARGET-PREP-DO-NOTHING", () => {
  it.each<RuleCase>([
    { name: "no settings at all (DMS default DROP_AND_CREATE)", build: (s) => task(s), address: TASK, status: "non_compliant", ctx: EVENT, message: /DROP_AND_CREATE/ },
    { name: "settings without TargetTablePrepMode", build: (s) => task(s, { ValidationSettings: { EnableValidation: true } }), address: TASK, status: "non_compliant", ctx: EVENT, message: /not set/ },
    { name: "TRUNCATE_BEFORE_LOAD", build: (s) => task(s, without("FullLoadSettings", { TargetTablePrepMode: "TRUNCATE_BEFORE_LOAD" })), address: TASK, status: "non_compliant", ctx: EVENT },
    { name: "settings as an expression", build: (s) => task(s, "${jsonencode(var.settings)}"), address: TASK, status: "non_compliant", ctx: EVENT, message: /known only at apply time/ },
    { name: "DO_NOTHING", build: (s) => task(s, SAFE_SETTINGS), address: TASK, status: "compliant", ctx: EVENT },
    { name: "a dev task whose target is not prod", build: (s) => task(s, undefined, "dev-db.internal"), address: TASK, status: "not_applicable", ctx: { stackId: "dev" } },
    { name: "a shared stack's task into prod (by remote state)", build: (s) => task(s), address: TASK, status: "non_compliant", ctx: { stackId: "control", kind: "shared" } },
  ])("$name: $status", (c) => expectCase("DMS-TARGET-PREP-DO-NOTHING", c));
});

describe("DMS-VALIDATION", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => task(s, without("ValidationSettings", { EnableValidation: undefined })), address: TASK, status: "non_compliant", ctx: EVENT },
    { name: "false", build: (s) => task(s, without("ValidationSettings", { EnableValidation: false })), address: TASK, status: "non_compliant", ctx: EVENT },
    { name: "true", build: (s) => task(s, SAFE_SETTINGS), address: TASK, status: "compliant", ctx: EVENT },
  ])("$name: $status", (c) => expectCase("DMS-VALIDATION", c));
});

describe("DMS-STOP-ON-ERROR", () => {
  it.each<RuleCase>([
    { name: "no ErrorBehavior (log and continue)", build: (s) => task(s, { ...SAFE_SETTINGS, ErrorBehavior: undefined }), address: TASK, status: "non_compliant", ctx: EVENT, message: /DataErrorPolicy = \(default\)/ },
    { name: "inserts logged instead of stopping", build: (s) => task(s, without("ErrorBehavior", { ApplyErrorInsertPolicy: "LOG_ERROR" })), address: TASK, status: "non_compliant", ctx: EVENT, message: /ApplyErrorInsertPolicy = "LOG_ERROR"/ },
    { name: "every policy STOP_TASK", build: (s) => task(s, SAFE_SETTINGS), address: TASK, status: "compliant", ctx: EVENT },
  ])("$name: $status", (c) => expectCase("DMS-STOP-ON-ERROR", c));
});

describe("DMS-INSTANCE-NOT-PUBLIC", () => {
  const instance = (s: TerraformStack, publiclyAccessible?: boolean) => new DmsReplicationInstance(s, "ri", { replicationInstanceClass: "dms.t3.medium", replicationInstanceId: "ri", publiclyAccessible });
  it.each<RuleCase>([
    { name: "absent (the DMS API makes it public)", build: (s) => instance(s), address: "aws_dms_replication_instance.ri", status: "non_compliant" },
    { name: "true", build: (s) => instance(s, true), address: "aws_dms_replication_instance.ri", status: "non_compliant" },
    { name: "false", build: (s) => instance(s, false), address: "aws_dms_replication_instance.ri", status: "compliant" },
  ])("$name: $status", (c) => expectCase("DMS-INSTANCE-NOT-PUBLIC", c));
});

describe("DMS-ENDPOINT-TLS", () => {
  const endpoint = (s: TerraformStack, sslMode?: string, engineName = "aurora") => new DmsEndpoint(s, "ep", { endpointId: "ep", endpointType: "source", engineName, sslMode });
  it.each<RuleCase>([
    { name: "absent (default none)", build: (s) => endpoint(s), address: "aws_dms_endpoint.ep", status: "non_compliant" },
    { name: "none", build: (s) => endpoint(s, "none"), address: "aws_dms_endpoint.ep", status: "non_compliant" },
    { name: "verify-full", build: (s) => endpoint(s, "verify-full"), address: "aws_dms_endpoint.ep", status: "compliant" },
    { name: "an S3 endpoint", build: (s) => endpoint(s, undefined, "s3"), address: "aws_dms_endpoint.ep", status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("DMS-ENDPOINT-TLS", c));
});

describe("PROD-PREVENT-DESTROY", () => {
  const PROD = { stackId: "prod", prod: true } as const;
  it.each<RuleCase>([
    { name: "a prod database without prevent_destroy", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant", ctx: PROD },
    { name: "a prod database with prevent_destroy", build: (s) => cluster(s, { lifecycle: { preventDestroy: true } }), address: CLUSTER, status: "compliant", ctx: PROD },
    { name: "a prod DynamoDB table without it", build: (s) => new DynamodbTable(s, "t", { name: "t", hashKey: "id", attribute: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST" }), address: "aws_dynamodb_table.t", status: "non_compliant", ctx: PROD },
    { name: "a dev database without it", build: (s) => cluster(s), address: CLUSTER, status: "not_applicable", ctx: { stackId: "dev" } },
  ])("$name: $status", (c) => expectCase("PROD-PREVENT-DESTROY", c));
});
