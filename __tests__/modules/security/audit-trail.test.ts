import { describe, expect, it } from "vitest";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { AuditTrail, type AuditTrailProps } from "../../../modules/security/audit-trail";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, resourcesOf, synthJson } from "../../helpers/synth";
import { ACCOUNT, REGION, moduleStack, ref, statementsOf } from "../../helpers/stack";

const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/flashcrowd-test-audit`;

function synthTrail(props: Partial<AuditTrailProps> = {}, useGivenKey = false) {
  const { stack, key } = moduleStack();
  const logs = new S3Bucket(stack, "logs", { bucketName: `flashcrowd-test-logs-${ACCOUNT}`, encryption: "s3-managed" });
  logs.allowServerAccessLogDelivery();
  new AuditTrail(stack, "audit", { accessLogsBucket: logs, kmsKey: useGivenKey ? key : undefined, ...props });
  return synthJson(stack);
}

describe("AuditTrail defaults", () => {
  const json = synthTrail();
  const [trail] = listOf(json, "aws_cloudtrail");

  it("records every region and global service with log file validation, encrypted with its own key", () => {
    expect(trail).toMatchObject({
      name: "flashcrowd-test-audit",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      event_selector: [{ read_write_type: "All", include_management_events: true }],
    });
    expect(trail!.kms_key_id).toMatch(/^\$\{aws_kms_key\.audit_key_[A-Z0-9]+\.arn\}$/);
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).toHaveLength(2);
  });

  it("lets CloudTrail encrypt for this trail only and describe the key", () => {
    const statements = statementsOf(json, "aws_kms_key");
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: "CloudTrailEncryptsTrailFiles",
        Action: "kms:GenerateDataKey*",
        Condition: {
          StringEquals: { "aws:SourceArn": TRAIL_ARN },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
        },
      }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Sid: "CloudTrailDescribesKey", Action: "kms:DescribeKey", Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } } }));
  });

  it("writes to its own bucket, whose policy admits only this trail, under AWSLogs/<account>/", () => {
    expect(trail!.s3_bucket_name).toMatch(/^\$\{aws_s3_bucket\.audit_bucket_[A-Z0-9]+\.bucket\}$/);
    const statements = statementsOf(json, "aws_s3_bucket_policy");
    expect(statements).toContainEqual(expect.objectContaining({ Sid: "CloudTrailChecksAcl", Action: "s3:GetBucketAcl", Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: "CloudTrailWritesTrailFiles",
        Resource: expect.stringMatching(new RegExp(`/AWSLogs/${ACCOUNT}/\\*$`)),
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control" } },
      }),
    );
    expect(trail!.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\.audit_bucket_policy_/)]));
  });

  it("logs the bucket's access to the log bucket and ages trail files to Glacier, then deletes them after 7 years", () => {
    const logging = listOf(json, "aws_s3_bucket_logging");
    expect(logging).toEqual([expect.objectContaining({ target_prefix: `s3-access/flashcrowd-test-audit-${ACCOUNT}/` })]);
    const rules = listOf(json, "aws_s3_bucket_lifecycle_configuration").flatMap((l) => l.rule as Record<string, unknown>[]);
    expect(rules).toContainEqual(expect.objectContaining({ transition: [{ days: 90, storage_class: "GLACIER" }], expiration: [{ days: 2557 }] }));
  });

  it("delivers to an encrypted log group with retention through a role limited to that group", () => {
    const [group] = listOf(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({ name: "/flashcrowd/test/cloudtrail", retention_in_days: 365 });
    expect(trail!.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.audit_log-group_[A-Z0-9]+\.arn\}:\*$/);
    expect(trail!.cloud_watch_logs_role_arn).toMatch(ref("aws_iam_role", "arn"));
    expect(statementsOf(json, "aws_iam_role_policy")).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/flashcrowd/test/cloudtrail:log-stream:*`,
      },
    ]);
    expect(statementsOf(json, "aws_kms_key")).toContainEqual(
      expect.objectContaining({ Principal: { Service: `logs.${REGION}.amazonaws.com` }, Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/flashcrowd/test/cloudtrail` } } }),
    );
  });
});

describe("AuditTrail options", () => {
  it("protects its bucket from destroy by default, and only then", () => {
    const bucket = (props: Partial<AuditTrailProps>) => listOf(synthTrail(props), "aws_s3_bucket").find((b) => String(b.bucket).includes("audit"))!;
    expect(bucket({}).lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket({ preventDestroy: false })).not.toHaveProperty("lifecycle");
  });

  it("uses a given key instead of creating one", () => {
    const json = synthTrail({}, true);
    expect(Object.keys(resourcesOf(json, "aws_kms_key"))).toHaveLength(1);
    expect(listOf(json, "aws_cloudtrail")[0]!.kms_key_id).toMatch(/^\$\{aws_kms_key\.key_[A-Z0-9]+\.arn\}$/);
  });

  it("records one region only when asked", () => {
    const json = synthTrail({ multiRegion: false });
    expect(listOf(json, "aws_cloudtrail")[0]).toMatchObject({ is_multi_region_trail: false, include_global_service_events: false });
  });

  it("takes retention periods from props", () => {
    const json = synthTrail({ cloudWatchRetentionDays: 90, transitionToGlacierDays: 30, expireDays: 400 });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]!.retention_in_days).toBe(90);
    const rules = listOf(json, "aws_s3_bucket_lifecycle_configuration").flatMap((l) => l.rule as Record<string, unknown>[]);
    expect(rules).toContainEqual(expect.objectContaining({ transition: [{ days: 30, storage_class: "GLACIER" }], expiration: [{ days: 400 }] }));
  });

  it("refuses a given key that already holds the trail's statements", () => {
    const { stack } = moduleStack();
    const logs = new S3Bucket(stack, "logs", { bucketName: `flashcrowd-test-logs-${ACCOUNT}`, encryption: "s3-managed" });
    const shared = new KmsKey(stack, "shared", { alias: "shared", description: "shared" });
    new AuditTrail(stack, "one", { accessLogsBucket: logs, kmsKey: shared });
    expect(() => new AuditTrail(stack, "two", { accessLogsBucket: logs, kmsKey: shared })).toThrow(/already has a statement/);
  });
});
