import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { EcrRegistryScanningConfiguration } from "@cdktf/provider-aws/lib/ecr-registry-scanning-configuration";
import { EcrRepository, type EcrRepositoryConfig } from "@cdktf/provider-aws/lib/ecr-repository";
import { ElasticacheReplicationGroup, type ElasticacheReplicationGroupConfig } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { TerraformStack } from "cdktf";
import { describe, it } from "vitest";
import { policyDocument } from "../../../modules/security/policy-document";
import { expectCase, type RuleCase } from "../helpers";

const CLUSTER = "aws_rds_cluster.db";
const cluster = (s: TerraformStack, extra: Partial<RdsClusterConfig> = {}) =>
  new RdsCluster(s, "db", { engine: "aurora-mysql", clusterIdentifier: "flashcrowd-test-db", manageMasterUserPassword: true, masterUsername: "admin", ...extra });

describe("RDS-STORAGE-ENCRYPTED", () => {
  it.each<RuleCase>([
    { name: "absent (provider default false)", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant", message: /not set \(provider default: false\)/ },
    { name: "false", build: (s) => cluster(s, { storageEncrypted: false }), address: CLUSTER, status: "non_compliant" },
    { name: "an expression", build: (s) => cluster(s, { storageEncrypted: "${var.encrypt}" as unknown as boolean }), address: CLUSTER, status: "non_compliant", message: /known only at apply time/ },
    { name: "true", build: (s) => cluster(s, { storageEncrypted: true }), address: CLUSTER, status: "compliant" },
    { name: "an RDS instance without encryption", build: (s) => new DbInstance(s, "pg", { instanceClass: "db.t4g.micro", engine: "postgres" }), address: "aws_db_instance.pg", status: "non_compliant" },
  ])("$name: $status", (c) => expectCase("RDS-STORAGE-ENCRYPTED", c));
});

describe("RDS-BACKUP-RETENTION", () => {
  it.each<RuleCase>([
    { name: "absent in a permanent stack (AWS default 1 day)", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant", message: /between 7 and 35/ },
    { name: "3 days in a permanent stack", build: (s) => cluster(s, { backupRetentionPeriod: 3 }), address: CLUSTER, status: "non_compliant" },
    { name: "14 days in a permanent stack", build: (s) => cluster(s, { backupRetentionPeriod: 14 }), address: CLUSTER, status: "compliant" },
    { name: "absent in an ephemeral stack (1 day is enough)", build: (s) => cluster(s), address: CLUSTER, status: "compliant", ctx: { kind: "event", lifetime: "ephemeral" } },
    { name: "0 days in an ephemeral stack", build: (s) => cluster(s, { backupRetentionPeriod: 0 }), address: CLUSTER, status: "non_compliant", ctx: { kind: "event", lifetime: "ephemeral" } },
  ])("$name: $status", (c) => expectCase("RDS-BACKUP-RETENTION", c));
});

describe("RDS-LOG-EXPORTS", () => {
  it.each<RuleCase>([
    { name: "absent on Aurora MySQL", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant", message: /audit, error, slowquery/ },
    { name: "error log only", build: (s) => cluster(s, { enabledCloudwatchLogsExports: ["error"] }), address: CLUSTER, status: "non_compliant", message: /lacks audit, slowquery/ },
    { name: "audit, error, slowquery", build: (s) => cluster(s, { enabledCloudwatchLogsExports: ["audit", "error", "slowquery"] }), address: CLUSTER, status: "compliant" },
    { name: "postgresql on Aurora PostgreSQL", build: (s) => cluster(s, { engine: "aurora-postgresql", enabledCloudwatchLogsExports: ["postgresql"] }), address: CLUSTER, status: "compliant" },
  ])("$name: $status", (c) => expectCase("RDS-LOG-EXPORTS", c));
});

describe("RDS-IAM-AUTH", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant" },
    { name: "true", build: (s) => cluster(s, { iamDatabaseAuthenticationEnabled: true }), address: CLUSTER, status: "compliant" },
  ])("$name: $status", (c) => expectCase("RDS-IAM-AUTH", c));
});

describe("RDS-DELETION-PROTECTION", () => {
  it.each<RuleCase>([
    { name: "absent in a permanent stack", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant" },
    { name: "false in a permanent stack", build: (s) => cluster(s, { deletionProtection: false }), address: CLUSTER, status: "non_compliant" },
    { name: "true in a permanent stack", build: (s) => cluster(s, { deletionProtection: true }), address: CLUSTER, status: "compliant" },
    { name: "false in an ephemeral stack", build: (s) => cluster(s, { deletionProtection: false }), address: CLUSTER, status: "not_applicable", ctx: { kind: "event", lifetime: "ephemeral" } },
  ])("$name: $status", (c) => expectCase("RDS-DELETION-PROTECTION", c));
});

describe("RDS-COPY-TAGS-TO-SNAPSHOT", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => cluster(s), address: CLUSTER, status: "non_compliant" },
    { name: "true", build: (s) => cluster(s, { copyTagsToSnapshot: true }), address: CLUSTER, status: "compliant" },
  ])("$name: $status", (c) => expectCase("RDS-COPY-TAGS-TO-SNAPSHOT", c));
});

describe("RDS-MULTI-AZ", () => {
  const withInstances = (s: TerraformStack, zones: (string | undefined)[]) => {
    const db = cluster(s);
    zones.forEach((az, i) => new RdsClusterInstance(s, `db-${i}`, { clusterIdentifier: db.id, instanceClass: "db.r6g.large", engine: "aurora-mysql", availabilityZone: az }));
  };
  it.each<RuleCase>([
    { name: "a writer only (missing reader)", build: (s) => withInstances(s, ["ap-northeast-2a"]), address: CLUSTER, status: "non_compliant", message: /1 aws_rds_cluster_instance/ },
    { name: "two instances in one AZ", build: (s) => withInstances(s, ["ap-northeast-2a", "ap-northeast-2a"]), address: CLUSTER, status: "non_compliant", message: /every instance is in ap-northeast-2a/ },
    { name: "two instances with no AZ named", build: (s) => withInstances(s, [undefined, undefined]), address: CLUSTER, status: "non_compliant", message: /not a literal/ },
    { name: "writer and reader in two AZs", build: (s) => withInstances(s, ["ap-northeast-2a", "ap-northeast-2c"]), address: CLUSTER, status: "compliant" },
    { name: "a writer only where config does not ask for HA", build: (s) => withInstances(s, ["ap-northeast-2a"]), address: CLUSTER, status: "not_applicable", ctx: { highAvailability: false } },
  ])("$name: $status", (c) => expectCase("RDS-MULTI-AZ", c));
});

describe("RDS-NOT-PUBLIC", () => {
  const instance = (s: TerraformStack, publiclyAccessible?: boolean) => new RdsClusterInstance(s, "i", { clusterIdentifier: "c", instanceClass: "db.r6g.large", engine: "aurora-mysql", publiclyAccessible });
  it.each<RuleCase>([
    { name: "true", build: (s) => instance(s, true), address: "aws_rds_cluster_instance.i", status: "non_compliant" },
    { name: "absent (provider default false)", build: (s) => instance(s), address: "aws_rds_cluster_instance.i", status: "compliant" },
  ])("$name: $status", (c) => expectCase("RDS-NOT-PUBLIC", c));
});

const REDIS = "aws_elasticache_replication_group.redis";
const redis = (s: TerraformStack, extra: Partial<ElasticacheReplicationGroupConfig> = {}) =>
  new ElasticacheReplicationGroup(s, "redis", { replicationGroupId: "queue", description: "waiting room", nodeType: "cache.r7g.large", ...extra });

describe("REDIS-ENCRYPTED-AT-REST", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => redis(s), address: REDIS, status: "non_compliant" },
    { name: "false", build: (s) => redis(s, { atRestEncryptionEnabled: "false" }), address: REDIS, status: "non_compliant" },
    { name: "true", build: (s) => redis(s, { atRestEncryptionEnabled: "true" }), address: REDIS, status: "compliant" },
  ])("$name: $status", (c) => expectCase("REDIS-ENCRYPTED-AT-REST", c));
});

describe("REDIS-ENCRYPTED-IN-TRANSIT", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => redis(s), address: REDIS, status: "non_compliant" },
    { name: "true", build: (s) => redis(s, { transitEncryptionEnabled: true }), address: REDIS, status: "compliant" },
  ])("$name: $status", (c) => expectCase("REDIS-ENCRYPTED-IN-TRANSIT", c));
});

describe("REDIS-AUTH", () => {
  it.each<RuleCase>([
    { name: "no token, no user groups", build: (s) => redis(s), address: REDIS, status: "non_compliant" },
    { name: "an AUTH token", build: (s) => redis(s, { authToken: "${var.token}" }), address: REDIS, status: "compliant" },
    { name: "RBAC user groups", build: (s) => redis(s, { userGroupIds: ["app"] }), address: REDIS, status: "compliant" },
  ])("$name: $status", (c) => expectCase("REDIS-AUTH", c));
});

describe("REDIS-FAILOVER", () => {
  it.each<RuleCase>([
    { name: "absent where HA is asked for", build: (s) => redis(s), address: REDIS, status: "non_compliant", message: /automatic_failover_enabled/ },
    { name: "failover on but a single node", build: (s) => redis(s, { automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 1 }), address: REDIS, status: "non_compliant", message: /no replica/ },
    { name: "multi-AZ with failover and a replica", build: (s) => redis(s, { automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2 }), address: REDIS, status: "compliant" },
    { name: "single node where HA is not asked for", build: (s) => redis(s), address: REDIS, status: "not_applicable", ctx: { highAvailability: false } },
  ])("$name: $status", (c) => expectCase("REDIS-FAILOVER", c));
});

describe("REDIS-SNAPSHOTS", () => {
  it.each<RuleCase>([
    { name: "absent (default 0)", build: (s) => redis(s), address: REDIS, status: "non_compliant" },
    { name: "1 day", build: (s) => redis(s, { snapshotRetentionLimit: 1 }), address: REDIS, status: "compliant" },
  ])("$name: $status", (c) => expectCase("REDIS-SNAPSHOTS", c));
});

const BUCKET = "aws_s3_bucket.data";
const bucket = (s: TerraformStack, forceDestroy?: boolean) => new S3Bucket(s, "data", { bucket: "flashcrowd-test-data", forceDestroy });

describe("S3-PUBLIC-ACCESS-BLOCK", () => {
  it.each<RuleCase>([
    { name: "no public access block (missing partner)", build: (s) => bucket(s), address: BUCKET, status: "non_compliant", message: /no aws_s3_bucket_public_access_block/ },
    {
      name: "a block with two flags left at their default",
      build: (s) => new S3BucketPublicAccessBlock(s, "pab", { bucket: bucket(s).id, blockPublicAcls: true, blockPublicPolicy: true }),
      address: BUCKET,
      status: "non_compliant",
      message: /ignore_public_acls, restrict_public_buckets/,
    },
    {
      name: "all four flags, bucket named literally",
      build: (s) => {
        bucket(s);
        new S3BucketPublicAccessBlock(s, "pab", { bucket: "flashcrowd-test-data", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      },
      address: BUCKET,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("S3-PUBLIC-ACCESS-BLOCK", c));
});

describe("S3-ENCRYPTION", () => {
  it.each<RuleCase>([
    { name: "no encryption configuration (missing partner)", build: (s) => bucket(s), address: BUCKET, status: "non_compliant" },
    {
      name: "KMS default encryption",
      build: (s) => new S3BucketServerSideEncryptionConfigurationA(s, "sse", { bucket: bucket(s).id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
      address: BUCKET,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("S3-ENCRYPTION", c));
});

describe("S3-VERSIONING", () => {
  it.each<RuleCase>([
    { name: "no versioning resource (missing partner)", build: (s) => bucket(s), address: BUCKET, status: "non_compliant" },
    { name: "suspended", build: (s) => new S3BucketVersioningA(s, "v", { bucket: bucket(s).id, versioningConfiguration: { status: "Suspended" } }), address: BUCKET, status: "non_compliant", message: /"Suspended"/ },
    { name: "enabled", build: (s) => new S3BucketVersioningA(s, "v", { bucket: bucket(s).id, versioningConfiguration: { status: "Enabled" } }), address: BUCKET, status: "compliant" },
  ])("$name: $status", (c) => expectCase("S3-VERSIONING", c));
});

describe("S3-TLS-ONLY", () => {
  const withPolicy = (s: TerraformStack, secureTransport: string, effect: "Allow" | "Deny" = "Deny") => {
    const b = bucket(s);
    new S3BucketPolicy(s, "policy", {
      bucket: b.id,
      policy: policyDocument([
        {
          sid: "TlsOnly",
          effect,
          principals: { type: "*", identifiers: ["*"] },
          actions: ["s3:*"],
          resources: [b.arn, `${b.arn}/*`],
          conditions: { Bool: { "aws:SecureTransport": secureTransport } },
        },
      ]),
    });
  };
  it.each<RuleCase>([
    { name: "no bucket policy (missing partner)", build: (s) => bucket(s), address: BUCKET, status: "non_compliant", message: /no aws_s3_bucket_policy/ },
    { name: "a policy denying only secure transport", build: (s) => withPolicy(s, "true"), address: BUCKET, status: "non_compliant" },
    { name: "a policy that allows instead of denies", build: (s) => withPolicy(s, "false", "Allow"), address: BUCKET, status: "non_compliant" },
    { name: "a policy as an expression", build: (s) => new S3BucketPolicy(s, "policy", { bucket: bucket(s).id, policy: "${data.aws_iam_policy_document.x.json}" }), address: BUCKET, status: "non_compliant", message: /known only at apply time/ },
    { name: "a Deny on aws:SecureTransport false", build: (s) => withPolicy(s, "false"), address: BUCKET, status: "compliant" },
  ])("$name: $status", (c) => expectCase("S3-TLS-ONLY", c));
});

describe("S3-ACCESS-LOGS", () => {
  it.each<RuleCase>([
    { name: "no logging (missing partner)", build: (s) => bucket(s), address: BUCKET, status: "non_compliant" },
    {
      name: "logging into a log bucket",
      build: (s) => {
        const logs = new S3Bucket(s, "logs", { bucket: "flashcrowd-test-logs" });
        new S3BucketLogging(s, "logging", { bucket: bucket(s).id, targetBucket: logs.id, targetPrefix: "s3/data/" });
      },
      address: BUCKET,
      status: "compliant",
    },
    {
      name: "the log bucket itself",
      build: (s) => {
        const logs = new S3Bucket(s, "logs", { bucket: "flashcrowd-test-logs" });
        new S3BucketLogging(s, "logging", { bucket: bucket(s).id, targetBucket: logs.id, targetPrefix: "s3/data/" });
      },
      address: "aws_s3_bucket.logs",
      status: "not_applicable",
    },
  ])("$name: $status", (c) => expectCase("S3-ACCESS-LOGS", c));
});

const REPO = "aws_ecr_repository.repo";
const repo = (s: TerraformStack, extra: Partial<EcrRepositoryConfig> = {}) => new EcrRepository(s, "repo", { name: "web", ...extra });

describe("ECR-IMMUTABLE-TAGS", () => {
  it.each<RuleCase>([
    { name: "absent (default MUTABLE)", build: (s) => repo(s), address: REPO, status: "non_compliant" },
    { name: "IMMUTABLE", build: (s) => repo(s, { imageTagMutability: "IMMUTABLE" }), address: REPO, status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECR-IMMUTABLE-TAGS", c));
});

describe("ECR-SCAN-ON-PUSH", () => {
  it.each<RuleCase>([
    { name: "absent", build: (s) => repo(s), address: REPO, status: "non_compliant" },
    { name: "scan_on_push false", build: (s) => repo(s, { imageScanningConfiguration: { scanOnPush: false } }), address: REPO, status: "non_compliant" },
    { name: "scan_on_push true", build: (s) => repo(s, { imageScanningConfiguration: { scanOnPush: true } }), address: REPO, status: "compliant" },
    {
      name: "a registry rule covering the repository",
      build: (s) => {
        repo(s);
        new EcrRegistryScanningConfiguration(s, "scan", { scanType: "ENHANCED", rule: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilter: [{ filter: "w*", filterType: "WILDCARD" }] }] });
      },
      address: REPO,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("ECR-SCAN-ON-PUSH", c));
});

describe("ECR-KMS", () => {
  it.each<RuleCase>([
    { name: "absent (default AES256)", build: (s) => repo(s), address: REPO, status: "non_compliant" },
    { name: "KMS", build: (s) => repo(s, { encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:ap-northeast-2:210987654321:key/1" }] }), address: REPO, status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECR-KMS", c));
});
