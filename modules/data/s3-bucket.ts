import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket as S3BucketResource } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ModuleConstruct } from "../core/environment";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, type PolicyCondition, type PolicyStatement } from "../security/policy-document";

/** Object lifecycle of a bucket. Omitted fields add no rule. */
export interface S3BucketLifecycle {
  /** Move current objects to Glacier Flexible Retrieval after this many days. */
  readonly transitionToGlacierDays?: number;
  /** Delete current objects after this many days (must exceed the Glacier transition). */
  readonly expireDays?: number;
  /** Delete noncurrent versions after this many days. */
  readonly noncurrentExpireDays?: number;
}

export interface S3BucketProps {
  /** Globally unique bucket name, 3-63 characters (e.g. `naming.name("logs")` plus the account id). */
  readonly bucketName: string;
  /**
   * Server-side encryption.
   * @default - SSE-KMS with `kmsKey`, which is then required. "s3-managed" (SSE-S3) is for buckets
   * AWS services deliver logs to that cannot use a customer key: ALB access logs and S3 server
   * access logs.
   */
  readonly encryption?: "kms" | "s3-managed";
  /** Key for SSE-KMS. Required when `encryption` is "kms". Bucket keys are on to cut KMS request cost. */
  readonly kmsKey?: KmsKey;
  /**
   * Keep every version of every object.
   * @default true - an overwrite or delete can be undone; noncurrent versions cost storage until
   * `lifecycle.noncurrentExpireDays` removes them.
   */
  readonly versioned?: boolean;
  /**
   * Bucket that receives this bucket's server access logs (it must allow delivery with
   * {@link S3Bucket.allowServerAccessLogDelivery}).
   * @default - no server access logging; only acceptable for the log bucket itself
   */
  readonly accessLogsBucket?: S3Bucket;
  /**
   * Object lifecycle rules.
   * @default - none: objects are kept forever
   */
  readonly lifecycle?: S3BucketLifecycle;
  /**
   * Let `terraform destroy` delete a bucket that still holds objects.
   * @default false - a bucket with data blocks its own deletion; never set it on a bucket that holds data
   */
  readonly forceDestroy?: boolean;
  /**
   * Object ownership.
   * @default "BucketOwnerEnforced" - ACLs disabled. "BucketOwnerPreferred" only for CloudFront
   * standard logging, which still writes with ACLs.
   */
  readonly objectOwnership?: "BucketOwnerEnforced" | "BucketOwnerPreferred";
  /**
   * Refuse any plan that would destroy the bucket (Terraform `prevent_destroy`).
   * @default false - set it for buckets of permanent environments that hold data or audit logs
   */
  readonly preventDestroy?: boolean;
  /** Provider for another region. @default the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * An S3 bucket with the protections AWS leaves optional: all four public-access blocks, ACLs
 * disabled, default encryption (SSE-KMS unless a log-delivery service needs SSE-S3), versioning,
 * a policy that denies anything but TLS, server access logging, lifecycle rules, and no
 * `force_destroy`. Access is granted through the bucket's own methods, which add statements to
 * its policy; service access is scoped to the stack's account.
 */
export class S3Bucket extends ModuleConstruct {
  readonly bucket: S3BucketResource;
  /** The bucket policy (rendered at synth); services that check it on create depend on it. */
  readonly policy: S3BucketPolicy;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: S3BucketProps) {
    super(scope, id);
    const encryption = props.encryption ?? "kms";
    if (encryption === "kms" && !props.kmsKey) {
      throw new Error(`${this.node.path}: encryption "kms" needs kmsKey; pass a KmsKey or choose "s3-managed" for log delivery buckets`);
    }
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new Error(`${this.node.path}: bucket name "${props.bucketName}" must be 3-63 lowercase letters, digits, '.' or '-'`);
    }
    const provider = props.provider;

    this.bucket = new S3BucketResource(this, "bucket", {
      provider,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const bucket = this.bucket.id;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      provider,
      bucket,
      rule: { objectOwnership: props.objectOwnership ?? "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [
        encryption === "kms"
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKey!.arn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    new S3BucketVersioningA(this, "versioning", {
      provider,
      bucket,
      versioningConfiguration: { status: (props.versioned ?? true) ? "Enabled" : "Suspended" },
    });
    if (props.accessLogsBucket) {
      new S3BucketLoggingA(this, "access-logs", {
        provider,
        bucket,
        targetBucket: props.accessLogsBucket.bucketName,
        targetPrefix: `s3-access/${props.bucketName}/`,
      });
    }
    const rules = lifecycleRules(props.lifecycle);
    if (rules.length > 0) {
      new S3BucketLifecycleConfiguration(this, "lifecycle", { provider, bucket, rule: rules });
    }

    this.statements = [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: { type: "*", identifiers: ["*"] },
        actions: ["s3:*"],
        resources: [this.bucket.arn, `${this.bucket.arn}/*`],
        conditions: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    this.policy = new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }

  get bucketName(): string {
    return this.bucket.bucket;
  }

  get arn(): string {
    return this.bucket.arn;
  }

  /** `<bucket>.s3.<region>.amazonaws.com`, the origin domain CloudFront uses. */
  get regionalDomainName(): string {
    return this.bucket.bucketRegionalDomainName;
  }

  /** Adds a statement to the bucket policy. */
  addToPolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  /**
   * Lets an AWS service principal write objects under `prefix` on behalf of this account
   * (log delivery: `delivery.logs.amazonaws.com`, `cloudtrail.amazonaws.com`, ...).
   */
  allowServiceWrite(sid: string, servicePrincipal: string, prefix: string, conditions: PolicyCondition = {}): void {
    this.addToPolicy({
      sid,
      principals: { type: "Service", identifiers: [servicePrincipal] },
      actions: ["s3:PutObject"],
      resources: [`${this.arn}/${prefix}*`],
      conditions: { StringEquals: { "aws:SourceAccount": this.account }, ...conditions },
    });
  }

  /** Lets S3 deliver other buckets' server access logs into this one (under `s3-access/`). */
  allowServerAccessLogDelivery(): void {
    this.allowServiceWrite("S3ServerAccessLogs", "logging.s3.amazonaws.com", "s3-access/");
  }
}

function lifecycleRules(lifecycle: S3BucketLifecycle | undefined) {
  if (!lifecycle) return [];
  const { transitionToGlacierDays: glacier, expireDays: expire, noncurrentExpireDays: noncurrent } = lifecycle;
  if (glacier !== undefined && expire !== undefined && expire <= glacier) {
    throw new Error(`lifecycle: expireDays (${expire}) must be greater than transitionToGlacierDays (${glacier})`);
  }
  const rules = [];
  if (glacier !== undefined || expire !== undefined) {
    rules.push({
      id: "current-objects",
      status: "Enabled",
      filter: [{ prefix: "" }],
      ...(glacier !== undefined ? { transition: [{ days: glacier, storageClass: "GLACIER" }] } : {}),
      ...(expire !== undefined ? { expiration: [{ days: expire }] } : {}),
    });
  }
  if (noncurrent !== undefined) {
    rules.push({
      id: "noncurrent-versions",
      status: "Enabled",
      filter: [{ prefix: "" }],
      noncurrentVersionExpiration: [{ noncurrentDays: noncurrent }],
    });
  }
  rules.push({
    id: "abort-incomplete-uploads",
    status: "Enabled",
    filter: [{ prefix: "" }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  });
  return rules;
}
