/**
 * The post-apply step's settings, their environment variables, and the IAM statements its function
 * needs. Synth-side code (the event stack that creates the function) and the handler share this
 * file; it imports no AWS SDK, so synthesis stays fast.
 */
import { z } from "zod";
import type { PolicyStatement } from "../../modules/security/policy-document";

/** Aurora MySQL accepts 1 to 168 hours of binlog retention through `rds_set_configuration`. */
export const MAX_BINLOG_RETENTION_HOURS = 168;

const MYSQL_USER = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const MYSQL_SCHEMA = /^[A-Za-z0-9$][A-Za-z0-9_$]{0,63}$/;

const secretArn = z.string().startsWith("arn:aws:secretsmanager:", { message: "must be a Secrets Manager secret ARN" });
const tableRef = z.strictObject({ schema: z.string().regex(MYSQL_SCHEMA), table: z.string().regex(MYSQL_SCHEMA) });
export const tableMappingSchema = z.strictObject({ source: tableRef, target: tableRef, key: z.string().regex(MYSQL_SCHEMA).default("id") });
export type TableMapping = z.output<typeof tableMappingSchema>;

export const postApplySettingsSchema = z.strictObject({
  /** Identifier of the event Aurora cluster. */
  clusterIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, { message: "must be an Aurora cluster identifier" }),
  /** ARN of the cluster's RDS-managed master user secret (checked against the cluster). */
  masterSecretArn: secretArn,
  /** Binlog retention to set on the writer. */
  binlogRetentionHours: z.coerce.number().int().min(1).max(MAX_BINLOG_RETENTION_HOURS),
  /**
   * The DMS source user: created (or its password reset to the one in the secret) with
   * replication privileges and SELECT on `schemas`; its credentials and the writer's host and port
   * are written to `secretArn`, which the DMS source endpoint reads.
   */
  dmsSource: z
    .strictObject({
      secretArn,
      username: z.string().regex(MYSQL_USER, { message: "must be a MySQL user name (letters, digits, '_', at most 32)" }),
      schemas: z.array(z.string().regex(MYSQL_SCHEMA, { message: "must be a plain MySQL schema name" })).min(1),
    })
    .optional(),
  /** The DMS task to start once the source is ready (never restarted if it stopped: that is a human's call). */
  dmsTaskArn: z.string().startsWith("arn:aws:dms:", { message: "must be a DMS task ARN" }).optional(),
});

/** Settings of one run of the post-apply step. */
export type PostApplySettings = z.output<typeof postApplySettingsSchema>;

/** Environment variables the function reads its settings from. */
export const POST_APPLY_ENV = {
  clusterIdentifier: "POST_APPLY_CLUSTER_ID",
  masterSecretArn: "POST_APPLY_MASTER_SECRET_ARN",
  binlogRetentionHours: "POST_APPLY_BINLOG_RETENTION_HOURS",
  dmsSourceSecretArn: "POST_APPLY_DMS_SOURCE_SECRET_ARN",
  dmsSourceUsername: "POST_APPLY_DMS_SOURCE_USERNAME",
  dmsSourceSchemas: "POST_APPLY_DMS_SOURCE_SCHEMAS",
  dmsTaskArn: "POST_APPLY_DMS_TASK_ARN",
} as const;

/** The function's environment for `settings` (values may be Terraform tokens). */
export function postApplyEnvironment(settings: PostApplySettings): Record<string, string> {
  return {
    [POST_APPLY_ENV.clusterIdentifier]: settings.clusterIdentifier,
    [POST_APPLY_ENV.masterSecretArn]: settings.masterSecretArn,
    [POST_APPLY_ENV.binlogRetentionHours]: String(settings.binlogRetentionHours),
    ...(settings.dmsSource
      ? {
          [POST_APPLY_ENV.dmsSourceSecretArn]: settings.dmsSource.secretArn,
          [POST_APPLY_ENV.dmsSourceUsername]: settings.dmsSource.username,
          [POST_APPLY_ENV.dmsSourceSchemas]: settings.dmsSource.schemas.join(","),
        }
      : {}),
    ...(settings.dmsTaskArn ? { [POST_APPLY_ENV.dmsTaskArn]: settings.dmsTaskArn } : {}),
  };
}

/**
 * Settings from the function's environment (the event stack writes them; the invocation payload
 * carries only what identifies the run). Throws a ZodError naming the bad field.
 */
export function resolvePostApplySettings(env: Readonly<Record<string, string | undefined>>): PostApplySettings {
  const fromEnv = {
    clusterIdentifier: env[POST_APPLY_ENV.clusterIdentifier],
    masterSecretArn: env[POST_APPLY_ENV.masterSecretArn],
    binlogRetentionHours: env[POST_APPLY_ENV.binlogRetentionHours],
    dmsSource: env[POST_APPLY_ENV.dmsSourceSecretArn]
      ? {
          secretArn: env[POST_APPLY_ENV.dmsSourceSecretArn],
          username: env[POST_APPLY_ENV.dmsSourceUsername],
          schemas: (env[POST_APPLY_ENV.dmsSourceSchemas] ?? "").split(",").filter(Boolean),
        }
      : undefined,
    dmsTaskArn: env[POST_APPLY_ENV.dmsTaskArn] || undefined,
  };
  return postApplySettingsSchema.parse(fromEnv);
}

/** Resources the post-apply function touches; with these, its policy is exactly what it needs. */
export interface PostApplyResources {
  readonly accountId: string;
  readonly region: string;
  readonly clusterIdentifier: string;
  readonly masterSecretArn: string;
  /**
   * Customer-managed key of the master secret (the cluster's `master_user_secret[0].kms_key_id`).
   * @default - none: the secret uses the AWS-managed `aws/secretsmanager` key, which needs no grant
   */
  readonly masterSecretKmsKeyArn?: string;
  /** The DMS source secret and its key, when the step writes the DMS source user. */
  readonly dmsSourceSecretArn?: string;
  readonly dmsSourceSecretKmsKeyArn?: string;
  /** The DMS task it starts. */
  readonly dmsTaskArn?: string;
}

/**
 * IAM statements of the post-apply function: describe the one cluster, read its master secret,
 * read and write the DMS source secret, describe and start the one task, and use the secrets'
 * keys through Secrets Manager only. The function's role also needs the basic Lambda execution and
 * VPC access permissions, which the shared Lambda packaging adds.
 */
export function postApplyPolicyStatements(r: PostApplyResources): PolicyStatement[] {
  const viaSecretsManager = { StringEquals: { "kms:ViaService": `secretsmanager.${r.region}.amazonaws.com` } };
  const statements: PolicyStatement[] = [
    { sid: "DescribeCluster", actions: ["rds:DescribeDBClusters"], resources: [`arn:aws:rds:${r.region}:${r.accountId}:cluster:${r.clusterIdentifier}`] },
    { sid: "ReadMasterSecret", actions: ["secretsmanager:GetSecretValue"], resources: [r.masterSecretArn] },
  ];
  if (r.masterSecretKmsKeyArn) {
    statements.push({ sid: "DecryptMasterSecret", actions: ["kms:Decrypt"], resources: [r.masterSecretKmsKeyArn], conditions: viaSecretsManager });
  }
  if (r.dmsSourceSecretArn) {
    if (!r.dmsSourceSecretKmsKeyArn) throw new Error("dmsSourceSecretKmsKeyArn is needed with dmsSourceSecretArn");
    statements.push(
      { sid: "WriteDmsSourceSecret", actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], resources: [r.dmsSourceSecretArn] },
      { sid: "UseDmsSourceSecretKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [r.dmsSourceSecretKmsKeyArn], conditions: viaSecretsManager },
    );
  }
  if (r.dmsTaskArn) {
    // DescribeReplicationTasks has no resource-level permissions.
    statements.push(
      { sid: "DescribeDmsTasks", actions: ["dms:DescribeReplicationTasks"], resources: ["*"] },
      { sid: "StartDmsTask", actions: ["dms:StartReplicationTask"], resources: [r.dmsTaskArn] },
    );
  }
  return statements;
}

/**
 * Settings of the data-check function (in the event's data subnets, the only ones peered with
 * prod): the key-block check at spin-up and the reconciliation at teardown.
 */
export const dataCheckSettingsSchema = z.strictObject({
  /** The event writer's endpoint (the key-block step sets AUTO_INCREMENT with the master user). */
  writer: z.strictObject({ host: z.string().min(1), port: z.coerce.number().int().min(1).max(65535) }),
  /** The event cluster's RDS-managed master secret (username and password only). */
  masterSecretArn: secretArn,
  /** The DMS source user's secret: read-only on the event schemas, used by the reconciliation. */
  dmsSourceSecretArn: secretArn,
  /**
   * Secret of prod's read-only verification user (JSON: username, password, host, port): the
   * key-block check and the reconciliation read prod with it, never with a writer.
   */
  prodReaderSecretArn: secretArn,
  /**
   * The event's key block: every mapped source table's AUTO_INCREMENT starts at `first`, and prod
   * must hold no key in it (checked before the DMS task starts), so event rows cannot collide
   * with prod's. The reconciliation compares exactly the rows with keys in the block.
   */
  keyBlock: z
    .strictObject({ first: z.coerce.number().int().min(1), last: z.coerce.number().int().max(Number.MAX_SAFE_INTEGER) })
    .refine((b) => b.first <= b.last, { message: "first must be at most last" }),
  /** The mapped tables (source in the event database, target in prod) and their integer key column. */
  tables: z.array(tableMappingSchema).min(1),
});
export type DataCheckSettings = z.output<typeof dataCheckSettingsSchema>;

export const DATA_CHECK_ENV = {
  writerHost: "EVENT_WRITER_HOST",
  writerPort: "EVENT_WRITER_PORT",
  masterSecretArn: "EVENT_MASTER_SECRET_ARN",
  dmsSourceSecretArn: "DMS_SOURCE_SECRET_ARN",
  prodReaderSecretArn: "PROD_READER_SECRET_ARN",
  keyBlock: "EVENT_KEY_BLOCK",
  tables: "EVENT_TABLES",
} as const;

export function dataCheckEnvironment(settings: DataCheckSettings): Record<string, string> {
  return {
    [DATA_CHECK_ENV.writerHost]: settings.writer.host,
    [DATA_CHECK_ENV.writerPort]: String(settings.writer.port),
    [DATA_CHECK_ENV.masterSecretArn]: settings.masterSecretArn,
    [DATA_CHECK_ENV.dmsSourceSecretArn]: settings.dmsSourceSecretArn,
    [DATA_CHECK_ENV.prodReaderSecretArn]: settings.prodReaderSecretArn,
    [DATA_CHECK_ENV.keyBlock]: `${settings.keyBlock.first}-${settings.keyBlock.last}`,
    [DATA_CHECK_ENV.tables]: JSON.stringify(settings.tables),
  };
}

/** Settings from the data-check function's environment; throws a ZodError naming the bad field. */
export function resolveDataCheckSettings(env: Readonly<Record<string, string | undefined>>): DataCheckSettings {
  const block = env[DATA_CHECK_ENV.keyBlock]?.split("-");
  let tables: unknown;
  try {
    tables = env[DATA_CHECK_ENV.tables] ? JSON.parse(env[DATA_CHECK_ENV.tables]!) : undefined;
  } catch {
    throw new Error(`${DATA_CHECK_ENV.tables} is not JSON`);
  }
  return dataCheckSettingsSchema.parse({
    writer: { host: env[DATA_CHECK_ENV.writerHost], port: env[DATA_CHECK_ENV.writerPort] },
    masterSecretArn: env[DATA_CHECK_ENV.masterSecretArn],
    dmsSourceSecretArn: env[DATA_CHECK_ENV.dmsSourceSecretArn],
    prodReaderSecretArn: env[DATA_CHECK_ENV.prodReaderSecretArn],
    keyBlock: block ? { first: block[0], last: block[1] } : undefined,
    tables,
  });
}

/** IAM statements of the data-check function: read the three secrets, through Secrets Manager only. */
export function dataCheckPolicyStatements(r: {
  readonly region: string;
  readonly secretArns: readonly string[];
  readonly keyArns: readonly string[];
}): PolicyStatement[] {
  return [
    { sid: "ReadDatabaseSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [...r.secretArns] },
    {
      sid: "DecryptDatabaseSecrets",
      actions: ["kms:Decrypt"],
      resources: [...r.keyArns],
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${r.region}.amazonaws.com` } },
    },
  ];
}
