import type { Construct } from "constructs";
import { BackupPlan, type BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ModuleConstruct } from "../core/environment";
import { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";

/** Where recovery points are copied to. */
export interface BackupCopyTarget {
  /** Provider of the copy region (the stack's `secondaryProvider`). */
  readonly provider: AwsProvider;
  readonly region: string;
}

/** The tag that puts a resource into the backup plan. */
export interface BackupSelectionTag {
  readonly key: string;
  readonly value: string;
}

export interface BackupProps {
  /** Encrypts the primary vault's recovery points. */
  readonly kmsKey: KmsKey;
  /**
   * Copy every recovery point to a vault in another region, encrypted with a key created there.
   * @default - no copy: a regional outage or a deleted vault loses the backups; copies cost storage
   * and cross-region transfer
   */
  readonly copyTo?: BackupCopyTarget;
  /** IANA time zone the schedules are read in. @default "UTC" */
  readonly timeZone?: string;
  /** Daily backup start (AWS cron). @default "cron(0 3 * * ? *)" */
  readonly dailyCron?: string;
  /** Weekly backup start (AWS cron). @default "cron(0 4 ? * SUN *)" */
  readonly weeklyCron?: string;
  /** Days daily recovery points and their copies are kept. @default 35 */
  readonly dailyRetentionDays?: number;
  /** Days weekly recovery points and their copies are kept. @default 90 */
  readonly weeklyRetentionDays?: number;
  /** Resources carrying this tag are backed up. @default { key: "Backup", value: "daily" } */
  readonly selectionTag?: BackupSelectionTag;
  /**
   * Refuse any plan that would destroy the vaults (Terraform `prevent_destroy`).
   * @default true - recovery points are the last copy of the data; removing a vault must be a deliberate edit
   */
  readonly preventDestroy?: boolean;
}

/**
 * AWS Backup for the platform: a KMS-encrypted vault, a plan with a daily and a weekly rule (each
 * with its own retention, optionally copied to a vault in the secondary region), a selection of
 * every resource carrying {@link selectionTag}, and the role AWS Backup runs as, all named
 * `{project}-{stack}-...`.
 */
export class Backup extends ModuleConstruct {
  readonly vault: BackupVault;
  /** Vault in the copy region, when copying. */
  readonly copyVault?: BackupVault;
  readonly plan: BackupPlan;
  readonly role: IamRole;
  /** Tag a resource with this to have it backed up. */
  readonly selectionTag: BackupSelectionTag;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const { naming } = this;
    const vaultName = naming.name("backup", 50);
    this.selectionTag = props.selectionTag ?? { key: "Backup", value: "daily" };

    this.vault = new BackupVault(this, "vault", {
      name: vaultName,
      kmsKeyArn: props.kmsKey.arn,
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });

    const keyArns = [props.kmsKey.arn];
    if (props.copyTo) {
      const copyKey = new KmsKey(this, "copy-key", {
        alias: naming.name("backup-copy"),
        description: `Encrypts the ${props.copyTo.region} copies of the backups of ${naming.workspace}`,
        provider: props.copyTo.provider,
      });
      keyArns.push(copyKey.arn);
      this.copyVault = new BackupVault(this, "copy-vault", {
        provider: props.copyTo.provider,
        name: vaultName,
        kmsKeyArn: copyKey.arn,
        forceDestroy: false,
        lifecycle: { preventDestroy: props.preventDestroy ?? true },
      });
    }

    const tz = props.timeZone ?? "UTC";
    const rule = (ruleName: string, schedule: string, deleteAfter: number): BackupPlanRule => ({
      ruleName,
      targetVaultName: this.vault.name,
      schedule,
      scheduleExpressionTimezone: tz,
      startWindow: 60,
      completionWindow: 8 * 60,
      lifecycle: { deleteAfter },
      copyAction: this.copyVault ? [{ destinationVaultArn: this.copyVault.arn, lifecycle: { deleteAfter } }] : undefined,
    });
    this.plan = new BackupPlan(this, "plan", {
      name: naming.name("backup", 50),
      rule: [
        rule("daily", props.dailyCron ?? "cron(0 3 * * ? *)", props.dailyRetentionDays ?? 35),
        rule("weekly", props.weeklyCron ?? "cron(0 4 ? * SUN *)", props.weeklyRetentionDays ?? 90),
      ],
    });

    this.role = new IamRole(this, "role", {
      name: naming.name("backup"),
      description: "Lets AWS Backup snapshot, copy and restore the tagged resources",
      // Plain service trust: AWS Backup does not send aws:SourceAccount when it assumes the role.
      assumeRolePolicy: policyDocument([
        { principals: { type: "Service", identifiers: ["backup.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
      ]),
    });
    for (const [i, policy] of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"].entries()) {
      new IamRolePolicyAttachment(this, `role-policy-${i}`, {
        role: this.role.name,
        policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
      });
    }
    // The managed policies leave customer-managed keys to the key owner: the vault keys (and the
    // copy region's key) are granted here, grants only for AWS resources.
    new IamRolePolicy(this, "role-keys", {
      role: this.role.id,
      name: "use-vault-keys",
      policy: policyDocument([
        { actions: ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], resources: keyArns },
        { actions: ["kms:CreateGrant"], resources: keyArns, conditions: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
      ]),
    });

    new BackupSelection(this, "selection", {
      name: naming.name(`tag-${this.selectionTag.key}-${this.selectionTag.value}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-"), 50),
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      selectionTag: [{ type: "STRINGEQUALS", key: this.selectionTag.key, value: this.selectionTag.value }],
    });
  }

  /** The selection tag as a tag map, to spread into a resource's tags. */
  get tags(): Record<string, string> {
    return { [this.selectionTag.key]: this.selectionTag.value };
  }
}
