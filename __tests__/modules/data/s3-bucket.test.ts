import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { S3Bucket, type S3BucketProps } from "../../../modules/data/s3-bucket";
import { KmsKey } from "../../../modules/security/kms-key";
import { environmentStack } from "../../helpers/stack";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";

interface Policy {
  Statement: { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> }[];
}

function synthBucket(props: Partial<S3BucketProps> = {}, extra?: (bucket: S3Bucket, stack: TerraformStack) => void) {
  const { stack } = environmentStack();
  const key = new KmsKey(stack, "key", { alias: "test", description: "test" });
  const bucket = new S3Bucket(stack, "bucket", { bucketName: "flashcrowd-prod-data-123456789012", kmsKey: key, ...props });
  extra?.(bucket, stack);
  return synthJson(stack);
}

describe("S3Bucket defaults", () => {
  const json = synthBucket();

  it("blocks public access with all four flags", () => {
    expect(listOf(json, "aws_s3_bucket_public_access_block")).toEqual([
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    ]);
  });

  it("encrypts with the given KMS key and a bucket key", () => {
    const [sse] = listOf(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(sse!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.key_[A-Z0-9]+\.arn\}$/) }, bucket_key_enabled: true },
    ]);
  });

  it("versions objects, disables ACLs and never force-destroys", () => {
    expect(listOf(json, "aws_s3_bucket_versioning")[0]!.versioning_configuration).toEqual({ status: "Enabled" });
    expect(listOf(json, "aws_s3_bucket_ownership_controls")[0]!.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(listOf(json, "aws_s3_bucket")[0]!.force_destroy).toBe(false);
  });

  it("denies every request that is not over TLS", () => {
    const policy = parseJsonAttribute<Policy>(listOf(json, "aws_s3_bucket_policy")[0]!.policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("has no server access logging and no lifecycle expiry unless asked", () => {
    expect(listOf(json, "aws_s3_bucket_logging")).toEqual([]);
    const rules = listOf(json, "aws_s3_bucket_lifecycle_configuration");
    expect(rules).toEqual([]);
  });
});

describe("S3Bucket options", () => {
  it("uses SSE-S3 for log-delivery buckets", () => {
    const json = synthBucket({ encryption: "s3-managed", kmsKey: undefined });
    expect(listOf(json, "aws_s3_bucket_server_side_encryption_configuration")[0]!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  it("refuses KMS encryption without a key", () => {
    expect(() => synthBucket({ kmsKey: undefined })).toThrow(/encryption "kms" needs kmsKey/);
  });

  it.each([["UPPER-case"], ["ab"], ["x".repeat(64)]])("rejects the bucket name %s", (bucketName) => {
    expect(() => synthBucket({ bucketName })).toThrow(/must be 3-63 lowercase/);
  });

  it("sends server access logs to the log bucket, which allows S3 log delivery", () => {
    const json = synthBucket({}, (_b, stack) => {
      const logs = new S3Bucket(stack, "logs", { bucketName: "flashcrowd-prod-logs-123456789012", encryption: "s3-managed" });
      logs.allowServerAccessLogDelivery();
      new S3Bucket(stack, "data", { bucketName: "flashcrowd-prod-more-123456789012", encryption: "s3-managed", accessLogsBucket: logs });
    });
    const logging = listOf(json, "aws_s3_bucket_logging");
    expect(logging).toEqual([expect.objectContaining({ target_bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.logs_bucket_[A-Z0-9]+\.bucket\}$/), target_prefix: "s3-access/flashcrowd-prod-more-123456789012/" })]);
    const policies = listOf(json, "aws_s3_bucket_policy").map((p) => parseJsonAttribute<Policy>(p.policy));
    expect(policies.flatMap((p) => p.Statement)).toContainEqual(
      expect.objectContaining({ Sid: "S3ServerAccessLogs", Principal: { Service: "logging.s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }),
    );
  });

  it("moves objects to Glacier, then expires them, and expires old versions", () => {
    const json = synthBucket({ lifecycle: { transitionToGlacierDays: 30, expireDays: 365, noncurrentExpireDays: 90 } });
    const [lifecycle] = listOf(json, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle!.rule).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "current-objects", transition: [{ days: 30, storage_class: "GLACIER" }], expiration: [{ days: 365 }] }),
        expect.objectContaining({ id: "noncurrent-versions", noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
        expect.objectContaining({ id: "abort-incomplete-uploads" }),
      ]),
    );
  });

  it("rejects an expiry before the Glacier transition", () => {
    expect(() => synthBucket({ lifecycle: { transitionToGlacierDays: 90, expireDays: 30 } })).toThrow(/expireDays \(30\) must be greater than transitionToGlacierDays \(90\)/);
  });

  it("refuses to be destroyed when asked", () => {
    expect(listOf(synthBucket({ preventDestroy: true }), "aws_s3_bucket")[0]!.lifecycle).toEqual({ prevent_destroy: true });
    expect(listOf(synthBucket(), "aws_s3_bucket")[0]!).not.toHaveProperty("lifecycle");
  });

  it("suspends versioning only when asked", () => {
    const json = synthBucket({ versioned: false });
    expect(listOf(json, "aws_s3_bucket_versioning")[0]!.versioning_configuration).toEqual({ status: "Suspended" });
  });
});
