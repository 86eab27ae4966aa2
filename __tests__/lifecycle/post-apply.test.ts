import { DatabaseMigrationServiceClient, DescribeReplicationTasksCommand, StartReplicationTaskCommand } from "@aws-sdk/client-database-migration-service";
import { DescribeDBClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { InvalidPayload } from "../../src/lifecycle/contracts";
import {
  PostApplyError,
  PostApplyRetryableError,
  connectMysql,
  createPostApplyHandler,
  newDmsPassword,
  runPostApply,
  startReplication,
  type PostApplyDeps,
  type SqlSession,
} from "../../src/lifecycle/handlers/post-apply";
import { POST_APPLY_ENV, postApplyEnvironment, type PostApplySettings } from "../../src/lifecycle/post-apply-config";

vi.mock("mysql2/promise", () => ({
  createConnection: vi.fn(async () => ({ query: vi.fn(async () => [[], []]), end: vi.fn(async () => undefined) })),
}));

const MASTER_SECRET = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:rds!cluster-1234-AbCdEf";
const DMS_SECRET = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:flashcrowd-event-dec-flash-sale-dms-source-XyZ123";
const TASK_ARN = "arn:aws:dms:ap-northeast-2:210987654321:task:ABCDEFGHIJKLMNOP";
const WRITER = "flashcrowd-event-dec-flash-sale-db.cluster-abc.ap-northeast-2.rds.amazonaws.com";

const rds = mockClient(RDSClient);
const secrets = mockClient(SecretsManagerClient);
const dms = mockClient(DatabaseMigrationServiceClient);

/** A MySQL session that knows the two rds_* procedures and records every statement. */
class FakeAurora implements SqlSession {
  readonly statements: { sql: string; values?: unknown[] }[] = [];
  ended = false;
  constructor(
    public retention: string | null = null,
    private readonly ignoreSet = false,
  ) {}

  async query(sql: string, values?: unknown[]): Promise<unknown> {
    this.statements.push({ sql, values });
    if (sql === "CALL mysql.rds_show_configuration") {
      const rows = [
        { name: "binlog retention hours", value: this.retention, description: "binlog retention hours specifies the duration in hours before binary logs are automatically deleted." },
        { name: "source delay", value: "0", description: "" },
      ];
      return [[rows, { affectedRows: 0 }], []];
    }
    if (sql.startsWith("CALL mysql.rds_set_configuration")) {
      if (!this.ignoreSet) this.retention = String(values![1]);
      return [{ affectedRows: 0 }, []];
    }
    return [{ affectedRows: 0 }, []];
  }

  async end(): Promise<void> {
    this.ended = true;
  }

  sqls(): string[] {
    return this.statements.map((s) => s.sql);
  }
}

const settings = (extra: Partial<PostApplySettings> = {}): PostApplySettings => ({
  clusterIdentifier: "flashcrowd-event-dec-flash-sale-db",
  masterSecretArn: MASTER_SECRET,
  binlogRetentionHours: 48,
  ...extra,
});

function depsWith(session: FakeAurora): PostApplyDeps & { connect: ReturnType<typeof vi.fn> } {
  return {
    rds: new RDSClient({ region: "ap-northeast-2" }),
    secrets: new SecretsManagerClient({ region: "ap-northeast-2" }),
    dms: new DatabaseMigrationServiceClient({ region: "ap-northeast-2" }),
    connect: vi.fn(async () => session),
    newPassword: () => "fresh-password_0123456789abcdefABC",
    log: () => undefined,
  };
}

function clusterIs(status: string, secretArn = MASTER_SECRET) {
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: "flashcrowd-event-dec-flash-sale-db" }).resolves({
    DBClusters: [{ Status: status, Endpoint: WRITER, Port: 3306, MasterUserSecret: { SecretArn: secretArn, SecretStatus: "active" } }],
  });
}

beforeEach(() => {
  rds.reset();
  secrets.reset();
  dms.reset();
  clusterIs("available");
  secrets.on(GetSecretValueCommand, { SecretId: MASTER_SECRET }).resolves({ SecretString: JSON.stringify({ username: "admin", password: "master-pw" }) });
});

describe("binlog retention", () => {
  it("connects to the writer with the master credentials, sets retention and reads it back", async () => {
    const aurora = new FakeAurora(null);
    const deps = depsWith(aurora);
    const result = await runPostApply(settings(), deps);
    expect(deps.connect).toHaveBeenCalledWith({ host: WRITER, port: 3306, user: "admin", password: "master-pw" });
    expect(aurora.statements).toEqual([
      { sql: "CALL mysql.rds_show_configuration", values: undefined },
      { sql: "CALL mysql.rds_set_configuration(?, ?)", values: ["binlog retention hours", 48] },
      { sql: "CALL mysql.rds_show_configuration", values: undefined },
    ]);
    expect(result.binlogRetentionHours).toEqual({ after: 48, changed: true });
    expect(aurora.ended).toBe(true);
  });

  it("changes nothing when retention is already what is asked (a retried step)", async () => {
    const aurora = new FakeAurora("48");
    const result = await runPostApply(settings(), depsWith(aurora));
    expect(aurora.sqls()).toEqual(["CALL mysql.rds_show_configuration"]);
    expect(result.binlogRetentionHours).toEqual({ before: 48, after: 48, changed: false });
  });

  it("replaces a different retention and reports the old value", async () => {
    const result = await runPostApply(settings(), depsWith(new FakeAurora("24")));
    expect(result.binlogRetentionHours).toEqual({ before: 24, after: 48, changed: true });
  });

  it("fails when the value read back is not the one set, and still closes the connection", async () => {
    const aurora = new FakeAurora(null, true);
    await expect(runPostApply(settings(), depsWith(aurora))).rejects.toThrow(/binlog retention reads undefined hours after setting it to 48/);
    expect(aurora.ended).toBe(true);
  });
});

describe("cluster checks", () => {
  it("asks for a retry while the cluster is not available", async () => {
    clusterIs("creating");
    const aurora = new FakeAurora();
    const deps = depsWith(aurora);
    const error = await runPostApply(settings(), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostApplyRetryableError);
    expect((error as Error).name).toBe("PostApplyRetryableError");
    expect(deps.connect).not.toHaveBeenCalled();
  });

  it("refuses a master secret that is not the cluster's", async () => {
    clusterIs("available", "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:other-AbCdEf");
    await expect(runPostApply(settings(), depsWith(new FakeAurora()))).rejects.toThrow(PostApplyError);
  });
});

describe("DMS source user", () => {
  const withSource = () => settings({ dmsSource: { secretArn: DMS_SECRET, username: "dms_source", schemas: ["sale", "catalog"] } });

  it("creates the user with replication and read grants and writes host, port and credentials to the secret on the first run", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: DMS_SECRET }).rejects(new ResourceNotFoundException({ message: "no AWSCURRENT version", $metadata: {} }));
    secrets.on(PutSecretValueCommand).resolves({});
    const aurora = new FakeAurora("48");
    const result = await runPostApply(withSource(), depsWith(aurora));
    expect(aurora.statements.slice(1)).toEqual([
      { sql: "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", values: ["dms_source", "fresh-password_0123456789abcdefABC"] },
      { sql: "ALTER USER ?@'%' IDENTIFIED BY ?", values: ["dms_source", "fresh-password_0123456789abcdefABC"] },
      { sql: "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@'%'", values: ["dms_source"] },
      { sql: "GRANT SELECT ON ??.* TO ?@'%'", values: ["sale", "dms_source"] },
      { sql: "GRANT SELECT ON ??.* TO ?@'%'", values: ["catalog", "dms_source"] },
    ]);
    const put = secrets.commandCalls(PutSecretValueCommand);
    expect(put).toHaveLength(1);
    expect(JSON.parse(put[0]!.args[0].input.SecretString!)).toEqual({
      username: "dms_source",
      password: "fresh-password_0123456789abcdefABC",
      host: WRITER,
      port: 3306,
      engine: "aurora",
    });
    expect(result.dmsSource).toEqual({ username: "dms_source", secretUpdated: true });
  });

  it("keeps the password in the secret and does not rewrite an up-to-date secret (a retried step)", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: DMS_SECRET }).resolves({
      SecretString: JSON.stringify({ username: "dms_source", password: "kept-password", host: WRITER, port: 3306, engine: "aurora" }),
    });
    const aurora = new FakeAurora("48");
    const result = await runPostApply(withSource(), depsWith(aurora));
    expect(aurora.statements[1]).toEqual({ sql: "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", values: ["dms_source", "kept-password"] });
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(result.dmsSource).toEqual({ username: "dms_source", secretUpdated: false });
  });

  it("rewrites the secret when the writer endpoint changed", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: DMS_SECRET }).resolves({
      SecretString: JSON.stringify({ username: "dms_source", password: "kept-password", host: "old.example", port: 3306, engine: "aurora" }),
    });
    secrets.on(PutSecretValueCommand).resolves({});
    await runPostApply(withSource(), depsWith(new FakeAurora("48")));
    expect(JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!)).toEqual(
      expect.objectContaining({ host: WRITER, password: "kept-password" }),
    );
  });
});

describe("DMS task start", () => {
  const taskIs = (Status: string, extra: Record<string, string> = {}) =>
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, Status, ...extra }] });

  it("starts a task that has never run, after the source is ready", async () => {
    taskIs("ready");
    dms.on(StartReplicationTaskCommand).resolves({});
    const result = await startReplication(settings({ dmsTaskArn: TASK_ARN }), depsWith(new FakeAurora("48")));
    expect(dms.commandCalls(StartReplicationTaskCommand)[0]!.args[0].input).toEqual({ ReplicationTaskArn: TASK_ARN, StartReplicationTaskType: "start-replication" });
    expect(result).toEqual({ arn: TASK_ARN, statusBefore: "ready", started: true });
  });

  it.each(["running", "starting"])("leaves a %s task alone", async (status) => {
    taskIs(status);
    const result = await startReplication(settings({ dmsTaskArn: TASK_ARN }), depsWith(new FakeAurora("48")));
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
    expect(result.started).toBe(false);
  });

  it("asks for a retry while the task is being created", async () => {
    taskIs("creating");
    await expect(startReplication(settings({ dmsTaskArn: TASK_ARN }), depsWith(new FakeAurora("48")))).rejects.toThrow(PostApplyRetryableError);
  });

  it.each(["stopped", "failed"])("never restarts a %s task: that is the runbook's call", async (status) => {
    taskIs(status, { StopReason: "Stop Reason FATAL_ERROR", LastFailureMessage: "Apply error" });
    const error = await startReplication(settings({ dmsTaskArn: TASK_ARN }), depsWith(new FakeAurora("48"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostApplyError);
    expect((error as Error).message).toMatch(new RegExp(`DMS task .* is ${status} \\(Stop Reason FATAL_ERROR\\): Apply error`));
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  it("refuses to start when no task is configured", async () => {
    await expect(startReplication(settings(), depsWith(new FakeAurora("48")))).rejects.toThrow(new RegExp(POST_APPLY_ENV.dmsTaskArn));
  });

  it("is not part of the post-apply step: the key block is checked in between", async () => {
    taskIs("ready");
    const result = await runPostApply(settings({ dmsTaskArn: TASK_ARN }), depsWith(new FakeAurora("48")));
    expect(dms.calls()).toHaveLength(0);
    expect(result.dmsTask).toBeUndefined();
  });
});

describe("handler", () => {
  const ENV = postApplyEnvironment(settings({ dmsTaskArn: TASK_ARN }));
  const request = (action: string) => ({ action, event: "dec-flash-sale", workspace: "flashcrowd-event-dec-flash-sale", runId: "run-abc123" });

  it("writes every setting to the environment under its documented name", () => {
    const env = postApplyEnvironment(settings({ dmsTaskArn: TASK_ARN, dmsSource: { secretArn: DMS_SECRET, username: "dms_source", schemas: ["sale"] } }));
    expect(env).toEqual({
      [POST_APPLY_ENV.clusterIdentifier]: "flashcrowd-event-dec-flash-sale-db",
      [POST_APPLY_ENV.masterSecretArn]: MASTER_SECRET,
      [POST_APPLY_ENV.binlogRetentionHours]: "48",
      [POST_APPLY_ENV.dmsSourceSecretArn]: DMS_SECRET,
      [POST_APPLY_ENV.dmsSourceUsername]: "dms_source",
      [POST_APPLY_ENV.dmsSourceSchemas]: "sale",
      [POST_APPLY_ENV.dmsTaskArn]: TASK_ARN,
    });
  });

  it("post-apply sets binlog retention from the environment and leaves the DMS task alone", async () => {
    const aurora = new FakeAurora("24");
    const result = await createPostApplyHandler(ENV, () => depsWith(aurora))(request("post-apply"));
    expect(result).toMatchObject({ binlogRetentionHours: { before: 24, after: 48, changed: true } });
    expect(dms.calls()).toHaveLength(0);
  });

  it("start-replication starts the configured task without touching the database", async () => {
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, Status: "ready" }] });
    dms.on(StartReplicationTaskCommand).resolves({});
    const deps = depsWith(new FakeAurora("48"));
    const result = await createPostApplyHandler(ENV, () => deps)(request("start-replication"));
    expect(result).toEqual({ arn: TASK_ARN, statusBefore: "ready", started: true });
    expect(deps.connect).not.toHaveBeenCalled();
  });

  it.each([
    ["an unknown action", { ...request("post-apply"), action: "verify" }, /action/],
    ["a payload carrying settings", { ...request("post-apply"), binlogRetentionHours: 24 }, /binlogRetentionHours/],
    ["a payload without its run", { action: "post-apply", event: "dec-flash-sale", workspace: "flashcrowd-event-dec-flash-sale" }, /runId/],
  ])("refuses %s before connecting anywhere", async (_, payload, field) => {
    const deps = depsWith(new FakeAurora("48"));
    const refusal = createPostApplyHandler(ENV, () => deps)(payload);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPayload);
    await expect(refusal).rejects.toThrow(field);
    expect(deps.connect).not.toHaveBeenCalled();
    expect(rds.calls()).toHaveLength(0);
  });

  it("refuses an environment with a bad setting, naming it", async () => {
    const deps = depsWith(new FakeAurora("48"));
    await expect(createPostApplyHandler({ ...ENV, [POST_APPLY_ENV.binlogRetentionHours]: "500" }, () => deps)(request("post-apply"))).rejects.toThrow(/binlogRetentionHours/);
    expect(deps.connect).not.toHaveBeenCalled();
  });

  it("connects over TLS, verifying the server against the RDS certificate authorities", async () => {
    const mysql = await import("mysql2/promise");
    await connectMysql({ host: WRITER, port: 3306, user: "admin", password: "pw" });
    const options = vi.mocked(mysql.createConnection).mock.calls.at(-1)![0] as unknown as { ssl: { ca: string[]; rejectUnauthorized: boolean } };
    expect(options.ssl.rejectUnauthorized).toBe(true);
    expect(options.ssl.ca.length).toBeGreaterThan(10);
    expect(options.ssl.ca.every((pem) => pem.includes("BEGIN CERTIFICATE"))).toBe(true);
  });

  it("generates DMS passwords without the characters DMS refuses", () => {
    const passwords = Array.from({ length: 200 }, () => newDmsPassword());
    expect(passwords.every((p) => p.length === 32 && !/[;.:+]/.test(p))).toBe(true);
    expect(new Set(passwords).size).toBe(200);
  });
});
