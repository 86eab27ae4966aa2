import { describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Backup, type BackupProps } from "../../../modules/data/backup";
import { listOf, synthJson } from "../../helpers/synth";
import { moduleStack, ref, statementsOf } from "../../helpers/stack";

function synthBackup(props: Partial<BackupProps> = {}, withCopy = false) {
  const { stack, key } = moduleStack();
  const secondary = new AwsProvider(stack, "aws-secondary", { alias: "secondary", region: "ap-northeast-1" });
  const backup = new Backup(stack, "backup", {
    kmsKey: key,
    copyTo: withCopy ? { provider: secondary, region: "ap-northeast-1" } : undefined,
    ...props,
  });
  return { json: synthJson(stack), backup };
}

interface Rule {
  rule_name: string;
  schedule: string;
  schedule_expression_timezone: string;
  lifecycle: { delete_after: number };
  copy_action?: { destination_vault_arn: string; lifecycle: { delete_after: number } }[];
}

const rulesOf = (json: ReturnType<typeof synthBackup>["json"]) => listOf(json, "aws_backup_plan")[0]!.rule as Rule[];

describe("Backup defaults", () => {
  const { json, backup } = synthBackup();

  it("keeps recovery points in a vault encrypted with the given key that cannot be force-destroyed", () => {
    expect(listOf(json, "aws_backup_vault")).toEqual([expect.objectContaining({ name: "flashcrowd-test-backup", force_destroy: false })]);
    expect(listOf(json, "aws_backup_vault")[0]!.kms_key_arn).toMatch(ref("aws_kms_key", "arn"));
  });

  it("backs up daily for 35 days and weekly for 90 days, in UTC, without copies", () => {
    expect(rulesOf(json).map((r) => [r.rule_name, r.schedule, r.schedule_expression_timezone, r.lifecycle.delete_after, r.copy_action])).toEqual([
      ["daily", "cron(0 3 * * ? *)", "UTC", 35, undefined],
      ["weekly", "cron(0 4 ? * SUN *)", "UTC", 90, undefined],
    ]);
  });

  it("selects every resource tagged Backup=daily", () => {
    expect(listOf(json, "aws_backup_selection")[0]!.selection_tag).toEqual([{ type: "STRINGEQUALS", key: "Backup", value: "daily" }]);
    expect(backup.tags).toEqual({ Backup: "daily" });
  });

  it("runs as a role AWS Backup assumes, with the backup and restore managed policies and the vault key", () => {
    expect(statementsOf(json, "aws_iam_role", "assume_role_policy")).toEqual([
      expect.objectContaining({ Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn).sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(statementsOf(json, "aws_iam_role_policy")).toContainEqual(
      expect.objectContaining({ Action: "kms:CreateGrant", Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } }),
    );
  });
});

describe("Backup options", () => {
  it("refuses plans that destroy its vaults unless told otherwise", () => {
    const vaults = (props: Partial<BackupProps>) => listOf(synthBackup(props, true).json, "aws_backup_vault").map((v) => v.lifecycle);
    expect(vaults({})).toEqual([{ prevent_destroy: true }, { prevent_destroy: true }]);
    expect(vaults({ preventDestroy: false })).toEqual([{ prevent_destroy: false }, { prevent_destroy: false }]);
  });

  it("copies every recovery point to a vault in the secondary region with a key of its own", () => {
    const { json } = synthBackup({}, true);
    const vaults = listOf(json, "aws_backup_vault");
    expect(vaults).toHaveLength(2);
    const copyVault = vaults.find((v) => v.provider === "aws.secondary");
    expect(copyVault!.kms_key_arn).toMatch(/^\$\{aws_kms_key\.backup_copy-key_[A-Z0-9]+\.arn\}$/);
    expect(listOf(json, "aws_kms_key").find((k) => k.provider === "aws.secondary")).toBeDefined();
    for (const r of rulesOf(json)) {
      expect(r.copy_action).toEqual([{ destination_vault_arn: expect.stringMatching(ref("aws_backup_vault", "arn")), lifecycle: { delete_after: r.lifecycle.delete_after } }]);
    }
    const keyStatement = statementsOf(json, "aws_iam_role_policy").find((s) => s.Action === "kms:CreateGrant");
    expect(keyStatement!.Resource).toHaveLength(2);
  });

  it("takes schedules, time zone and retention from props", () => {
    const { json } = synthBackup({ timeZone: "Asia/Seoul", dailyCron: "cron(0 12 ? * MON-FRI *)", weeklyCron: "cron(0 13 ? * WED *)", dailyRetentionDays: 7, weeklyRetentionDays: 28 });
    expect(rulesOf(json).map((r) => [r.schedule, r.schedule_expression_timezone, r.lifecycle.delete_after])).toEqual([
      ["cron(0 12 ? * MON-FRI *)", "Asia/Seoul", 7],
      ["cron(0 13 ? * WED *)", "Asia/Seoul", 28],
    ]);
  });

  it("selects by a custom tag", () => {
    const { json, backup } = synthBackup({ selectionTag: { key: "BackupPlan", value: "critical" } });
    expect(listOf(json, "aws_backup_selection")[0]).toMatchObject({
      name: "flashcrowd-test-tag-backupplan-critical",
      selection_tag: [{ type: "STRINGEQUALS", key: "BackupPlan", value: "critical" }],
    });
    expect(backup.tags).toEqual({ BackupPlan: "critical" });
  });
});
