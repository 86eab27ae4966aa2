import type { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ModuleConstruct } from "../core/environment";
import { S3Bucket } from "../data/s3-bucket";
import { KmsKey } from "./kms-key";
import { policyDocument } from "./policy-document";

export interface AuditTrailProps {
  /** Receives the trail bucket's server access logs (must allow delivery). */
  readonly accessLogsBucket: S3Bucket;
  /**
   * Key for trail files in S3 and the log group; CloudTrail and CloudWatch Logs are granted it for
   * this trail and log group only.
   * @default - a key created for the trail, so reading audit logs needs a grant on a key of its own
   */
  readonly kmsKey?: KmsKey;
  /**
   * Record events of every region (and global services) in this one trail.
   * @default true - a single-region trail leaves activity in other regions unrecorded
   */
  readonly multiRegion?: boolean;
  /** Retention of the CloudWatch Logs copy. @default 365 */
  readonly cloudWatchRetentionDays?: number;
  /** Days before trail files move to Glacier. @default 90 */
  readonly transitionToGlacierDays?: number;
  /** Days before trail files are deleted. @default 2557 (7 years) */
  readonly expireDays?: number;
  /**
   * Refuse any plan that would destroy the audit bucket (Terraform `prevent_destroy`).
   * @default true - the trail is the record of who changed what; it must outlive any plan
   */
  readonly preventDestroy?: boolean;
}

/**
 * The account's audit record: a CloudTrail trail of management events in every region, with log
 * file validation (tampering is detectable), encrypted with a KMS key, delivered to its own S3
 * bucket (versioned, TLS-only, access-logged, Glacier then expiry) and to an encrypted CloudWatch
 * log group for searching and metric filters. The trail's home region and log group are the
 * stack's; the trail, log group and role are named `{project}-{stack}-audit...`, the bucket
 * `{project}-{stack}-audit-{account}`.
 */
export class AuditTrail extends ModuleConstruct {
  readonly trail: Cloudtrail;
  readonly bucket: S3Bucket;
  readonly logGroup: CloudwatchLogGroup;
  readonly kmsKey: KmsKey;
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { naming, account: accountId, region } = this;
    const trailName = naming.name("audit", 128);
    // Known before apply, so the bucket and key policies can name the trail without a cycle.
    this.trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${trailName}`;

    this.kmsKey =
      props.kmsKey ??
      new KmsKey(this, "key", {
        alias: naming.name("audit"),
        description: `Encrypts the audit trail of ${naming.workspace}`,
      });
    const cloudtrail = { type: "Service" as const, identifiers: ["cloudtrail.amazonaws.com"] };
    this.kmsKey.addToPolicy({
      sid: "CloudTrailEncryptsTrailFiles",
      principals: cloudtrail,
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
      conditions: {
        StringEquals: { "aws:SourceArn": this.trailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` },
      },
    });
    this.kmsKey.addToPolicy({
      sid: "CloudTrailDescribesKey",
      principals: cloudtrail,
      actions: ["kms:DescribeKey"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:SourceArn": this.trailArn } },
    });

    this.bucket = new S3Bucket(this, "bucket", {
      bucketName: naming.name(`audit-${accountId}`, 63),
      kmsKey: this.kmsKey,
      accessLogsBucket: props.accessLogsBucket,
      preventDestroy: props.preventDestroy ?? true,
      lifecycle: {
        transitionToGlacierDays: props.transitionToGlacierDays ?? 90,
        expireDays: props.expireDays ?? 2557,
        noncurrentExpireDays: 90,
      },
    });
    this.bucket.addToPolicy({
      sid: "CloudTrailChecksAcl",
      principals: cloudtrail,
      actions: ["s3:GetBucketAcl"],
      resources: [this.bucket.arn],
      conditions: { StringEquals: { "aws:SourceArn": this.trailArn } },
    });
    this.bucket.addToPolicy({
      sid: "CloudTrailWritesTrailFiles",
      principals: cloudtrail,
      actions: ["s3:PutObject"],
      resources: [`${this.bucket.arn}/AWSLogs/${accountId}/*`],
      conditions: { StringEquals: { "aws:SourceArn": this.trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
    });

    const groupName = naming.pathName("cloudtrail");
    const groupArn = this.kmsKey.allowLogGroup("CloudWatchLogsTrailGroup", groupName);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: groupName,
      retentionInDays: props.cloudWatchRetentionDays ?? 365,
      kmsKeyId: this.kmsKey.arn,
    });
    const role = new IamRole(this, "logs-role", {
      name: naming.name("cloudtrail-logs"),
      description: "Lets CloudTrail deliver the audit trail to its log group",
      // Plain service trust, as CloudTrail documents for this role: it does not promise the
      // aws:SourceAccount / aws:SourceArn context on this AssumeRole call.
      assumeRolePolicy: policyDocument([
        { principals: { type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
      ]),
    });
    const rolePolicy = new IamRolePolicy(this, "logs-policy", {
      role: role.id,
      name: "deliver-trail",
      policy: policyDocument([
        {
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${groupArn}:log-stream:*`],
        },
      ]),
    });

    const multiRegion = props.multiRegion ?? true;
    this.trail = new Cloudtrail(this, "trail", {
      name: trailName,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: this.kmsKey.arn,
      isMultiRegionTrail: multiRegion,
      includeGlobalServiceEvents: multiRegion,
      enableLogFileValidation: true,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      eventSelector: [{ readWriteType: "All", includeManagementEvents: true }],
      // CloudTrail checks the bucket policy and the role when the trail is created.
      dependsOn: [this.bucket.policy, this.kmsKey.key, rolePolicy],
    });
  }
}
