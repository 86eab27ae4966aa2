import { describe, expect, it } from "vitest";
import { postApplyPolicyStatements, resolvePostApplySettings, POST_APPLY_ENV } from "../../src/lifecycle/post-apply-config";

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

  it("lets the invocation input override the environment", () => {
    expect(resolvePostApplySettings(env, { binlogRetentionHours: 72 }).binlogRetentionHours).toBe(72);
    expect(resolvePostApplySettings(env).binlogRetentionHours).toBe(48);
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
