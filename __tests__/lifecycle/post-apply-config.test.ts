import { describe, expect, it } from "vitest";
import {
  DATA_CHECK_ENV,
  dataCheckEnvironment,
  dataCheckPolicyStatements,
  postApplyEnvironment,
  postApplyPolicyStatements,
  resolveDataCheckSettings,
  resolvePostApplySettings,
  POST_APPLY_ENV,
  type DataCheckSettings,
  type PostApplySettings,
} from "../../src/lifecycle/post-apply-config";

const base = {
  accountId: "210987654321",
  region: "ap-northeast-2",
  clusterIdentifier: "flashcrowd-event-dec-flash-sale-db",
  masterSecretArn: "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:rds!cluster-1234-AbCdEf",
};
const KEY = "arn:aws:kms:ap-northeast-2:210987654321:key/11111111-2222-3333-4444-555555555555";
const DMS_SECRET = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:flashcrowd-event-dec-flash-sale-dms-source-XyZ123";
const TASK = "arn:aws:dms:ap-northeast-2:210987654321:task:ABCDEFGHIJKLMNOP";

describe("postApplyPolicyStatements", () => {
  it("describes the one cluster and reads the one master secret, and nothing else", () => {
    expect(postApplyPolicyStatements(base)).toEqual([
      { sid: "DescribeCluster", actions: ["rds:DescribeDBClusters"], resources: ["arn:aws:rds:ap-northeast-2:210987654321:cluster:flashcrowd-event-dec-flash-sale-db"] },
      { sid: "ReadMasterSecret", actions: ["secretsmanager:GetSecretValue"], resources: [base.masterSecretArn] },
    ]);
  });

  it("decrypts the master secret's customer key through Secrets Manager only", () => {
    const statements = postApplyPolicyStatements({ ...base, masterSecretKmsKeyArn: KEY });
    expect(statements).toContainEqual({
      sid: "DecryptMasterSecret",
      actions: ["kms:Decrypt"],
      resources: [KEY],
      conditions: { StringEquals: { "kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com" } },
    });
  });

  it("reads and writes the DMS source secret and starts the one task", () => {
    const statements = postApplyPolicyStatements({ ...base, dmsSourceSecretArn: DMS_SECRET, dmsSourceSecretKmsKeyArn: KEY, dmsTaskArn: TASK });
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.WriteDmsSourceSecret!.resources).toEqual([DMS_SECRET]);
    expect(bySid.UseDmsSourceSecretKey!.resources).toEqual([KEY]);
    expect(bySid.StartDmsTask).toEqual({ sid: "StartDmsTask", actions: ["dms:StartReplicationTask"], resources: [TASK] });
    // Only the DMS describe call, which has no resource-level permissions, is unscoped.
    expect(statements.filter((s) => s.resources?.includes("*")).map((s) => s.actions)).toEqual([["dms:DescribeReplicationTasks"]]);
    expect(statements.flatMap((s) => s.actions)).not.toContain("dms:StopReplicationTask");
  });

  it("needs the key of the DMS source secret", () => {
    expect(() => postApplyPolicyStatements({ ...base, dmsSourceSecretArn: DMS_SECRET })).toThrow(/dmsSourceSecretKmsKeyArn is needed/);
  });
});

describe("resolvePostApplySettings", () => {
  const env = {
    [POST_APPLY_ENV.clusterIdentifier]: base.clusterIdentifier,
    [POST_APPLY_ENV.masterSecretArn]: base.masterSecretArn,
    [POST_APPLY_ENV.binlogRetentionHours]: "48",
  };

  it("reads its settings from the environment alone", () => {
    expect(resolvePostApplySettings(env)).toEqual({ clusterIdentifier: base.clusterIdentifier, masterSecretArn: base.masterSecretArn, binlogRetentionHours: 48 });
  });

  it("reads back exactly what the event stack writes", () => {
    const settings: PostApplySettings = {
      clusterIdentifier: base.clusterIdentifier,
      masterSecretArn: base.masterSecretArn,
      binlogRetentionHours: 72,
      dmsSource: { secretArn: DMS_SECRET, username: "dms_source", schemas: ["sale", "sale_audit"] },
      dmsTaskArn: TASK,
    };
    expect(resolvePostApplySettings(postApplyEnvironment(settings))).toEqual(settings);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["a missing cluster", { [POST_APPLY_ENV.clusterIdentifier]: "" }, /clusterIdentifier/],
    ["retention beyond Aurora's 168 hours", { [POST_APPLY_ENV.binlogRetentionHours]: "200" }, /binlogRetentionHours/],
    ["a DMS user name that is not a MySQL user", { [POST_APPLY_ENV.dmsSourceSecretArn]: "arn:aws:secretsmanager:x", [POST_APPLY_ENV.dmsSourceUsername]: "dms'; DROP", [POST_APPLY_ENV.dmsSourceSchemas]: "sale" }, /username/],
    ["a DMS source without schemas", { [POST_APPLY_ENV.dmsSourceSecretArn]: "arn:aws:secretsmanager:x", [POST_APPLY_ENV.dmsSourceUsername]: "dms_source" }, /schemas/],
  ])("rejects %s", (_name, override, error) => {
    expect(() => resolvePostApplySettings({ ...env, ...override })).toThrow(error);
  });
});

describe("data-check settings", () => {
  const SECRET = (name: string) => `arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:${name}-AbCdEf`;
  const settings: DataCheckSettings = {
    writer: { host: "flashcrowd-event-dec-flash-sale-db.cluster-abc.ap-northeast-2.rds.amazonaws.com", port: 3306 },
    masterSecretArn: SECRET("rds!cluster-1234"),
    dmsSourceSecretArn: SECRET("flashcrowd-event-dec-flash-sale-dms-source"),
    prodReaderSecretArn: SECRET("flashcrowd-prod-verify-reader"),
    keyBlock: { first: 9_000_000_000, last: 9_099_999_999 },
    tables: [
      { source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" }, key: "id" },
      { source: { schema: "sale", table: "order_items" }, target: { schema: "shop", table: "order_items" }, key: "item_id" },
    ],
  };
  const env = dataCheckEnvironment(settings);

  it("reads back exactly what the event stack writes", () => {
    expect(resolveDataCheckSettings(env)).toEqual(settings);
  });

  it("fills in the default key column of a table", () => {
    const tables = JSON.stringify([{ source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" } }]);
    expect(resolveDataCheckSettings({ ...env, [DATA_CHECK_ENV.tables]: tables }).tables[0]!.key).toBe("id");
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ["a missing writer host", { [DATA_CHECK_ENV.writerHost]: undefined }, /writer\.host|host/],
    ["a port beyond 65535", { [DATA_CHECK_ENV.writerPort]: "70000" }, /port/],
    ["a prod reader secret that is not an ARN", { [DATA_CHECK_ENV.prodReaderSecretArn]: "flashcrowd-prod-verify-reader" }, /prodReaderSecretArn/],
    ["a key block that ends before it starts", { [DATA_CHECK_ENV.keyBlock]: "200-100" }, /first must be at most last/],
    ["a key block that is not numbers", { [DATA_CHECK_ENV.keyBlock]: "a-b" }, /keyBlock/],
    ["no key block", { [DATA_CHECK_ENV.keyBlock]: undefined }, /keyBlock/],
    ["no tables", { [DATA_CHECK_ENV.tables]: "[]" }, /tables/],
    ["a table name that is not a plain MySQL name", { [DATA_CHECK_ENV.tables]: JSON.stringify([{ source: { schema: "sale", table: "orders; --" }, target: { schema: "shop", table: "orders" } }]) }, /table/],
    ["tables that are not JSON", { [DATA_CHECK_ENV.tables]: "orders,order_items" }, /EVENT_TABLES is not JSON/],
  ])("rejects %s, naming it", (_name, override, error) => {
    expect(() => resolveDataCheckSettings({ ...env, ...override })).toThrow(error);
  });

  it("reads the secrets and decrypts their keys through Secrets Manager only", () => {
    const KEY_ARN = "arn:aws:kms:ap-northeast-2:210987654321:key/11111111-2222-3333-4444-555555555555";
    const statements = dataCheckPolicyStatements({ region: "ap-northeast-2", secretArns: [settings.masterSecretArn, settings.prodReaderSecretArn], keyArns: [KEY_ARN] });
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(["kms:Decrypt", "secretsmanager:GetSecretValue"]);
    expect(statements.find((s) => s.actions.includes("kms:Decrypt"))?.conditions).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com" } });
  });
});
