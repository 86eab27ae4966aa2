/**
 * The policy pack: for every rule, its id, severity, what it asks, why, how to fix a violation,
 * and the cdk-nag / checkov checks it corresponds to. Rules hold only logic (rules/<domain>/*.ts).
 *
 * Severity: `error` where a violation exposes the system (public, unauthenticated, unencrypted where
 * AWS's default is unencrypted), loses data, or removes an audit trail; `warning` for hardening and
 * operations hygiene where AWS's default is already acceptable.
 */
import type { RuleId } from "./ids";
import { RULE_IDS } from "./ids";
import type { PolicyDefinition } from "./types";
import { Ec2InstanceMetadataTokensRequired } from "./rules/compute/Ec2InstanceMetadataTokensRequired";
import { EcsClusterContainerInsightsEnabled } from "./rules/compute/EcsClusterContainerInsightsEnabled";
import { EcsServiceNoPublicIp } from "./rules/compute/EcsServiceNoPublicIp";
import { EcsTaskDefinitionLoggingEnabled } from "./rules/compute/EcsTaskDefinitionLoggingEnabled";
import { EcsTaskDefinitionNoPlaintextSecrets } from "./rules/compute/EcsTaskDefinitionNoPlaintextSecrets";
import { EcsTaskDefinitionNotPrivileged } from "./rules/compute/EcsTaskDefinitionNotPrivileged";
import { EcsTaskDefinitionReadonlyRootFilesystem } from "./rules/compute/EcsTaskDefinitionReadonlyRootFilesystem";
import { EksClusterControlPlaneLogsEnabled } from "./rules/compute/EksClusterControlPlaneLogsEnabled";
import { EksClusterEndpointRestricted } from "./rules/compute/EksClusterEndpointRestricted";
import { EksClusterSecretsEncrypted } from "./rules/compute/EksClusterSecretsEncrypted";
import { EcrRepositoryKmsEncrypted } from "./rules/data/EcrRepositoryKmsEncrypted";
import { EcrRepositoryScanOnPushEnabled } from "./rules/data/EcrRepositoryScanOnPushEnabled";
import { EcrRepositoryTagsImmutable } from "./rules/data/EcrRepositoryTagsImmutable";
import { ElasticacheReplicationGroupAuthEnabled } from "./rules/data/ElasticacheReplicationGroupAuthEnabled";
import { ElasticacheReplicationGroupEncryptedAtRest } from "./rules/data/ElasticacheReplicationGroupEncryptedAtRest";
import { ElasticacheReplicationGroupEncryptedInTransit } from "./rules/data/ElasticacheReplicationGroupEncryptedInTransit";
import { ElasticacheReplicationGroupFailoverEnabled } from "./rules/data/ElasticacheReplicationGroupFailoverEnabled";
import { ElasticacheReplicationGroupSnapshotsEnabled } from "./rules/data/ElasticacheReplicationGroupSnapshotsEnabled";
import { RdsBackupRetentionSufficient } from "./rules/data/RdsBackupRetentionSufficient";
import { RdsClusterDeletionProtectionEnabled } from "./rules/data/RdsClusterDeletionProtectionEnabled";
import { RdsClusterInstancesMultiAz } from "./rules/data/RdsClusterInstancesMultiAz";
import { RdsCopyTagsToSnapshotEnabled } from "./rules/data/RdsCopyTagsToSnapshotEnabled";
import { RdsIamAuthenticationEnabled } from "./rules/data/RdsIamAuthenticationEnabled";
import { RdsInstanceNotPubliclyAccessible } from "./rules/data/RdsInstanceNotPubliclyAccessible";
import { RdsLogExportsEnabled } from "./rules/data/RdsLogExportsEnabled";
import { RdsStorageEncrypted } from "./rules/data/RdsStorageEncrypted";
import { S3BucketAccessLoggingEnabled } from "./rules/data/S3BucketAccessLoggingEnabled";
import { S3BucketEncryptionConfigured } from "./rules/data/S3BucketEncryptionConfigured";
import { S3BucketPolicyTlsOnly } from "./rules/data/S3BucketPolicyTlsOnly";
import { S3BucketPublicAccessBlocked } from "./rules/data/S3BucketPublicAccessBlocked";
import { S3BucketVersioningEnabled } from "./rules/data/S3BucketVersioningEnabled";
import { DataStorePreventDestroyEnabled } from "./rules/data-safety/DataStorePreventDestroyEnabled";
import { DmsEndpointTlsEnabled } from "./rules/data-safety/DmsEndpointTlsEnabled";
import { DmsReplicationInstanceNotPublic } from "./rules/data-safety/DmsReplicationInstanceNotPublic";
import { DmsTaskErrorPoliciesStopTask } from "./rules/data-safety/DmsTaskErrorPoliciesStopTask";
import { DmsTaskTargetTablePrepModeDoNothing } from "./rules/data-safety/DmsTaskTargetTablePrepModeDoNothing";
import { DmsTaskValidationEnabled } from "./rules/data-safety/DmsTaskValidationEnabled";
import { RdsClusterEventDeletionProtectionEnabled } from "./rules/data-safety/RdsClusterEventDeletionProtectionEnabled";
import { RdsFinalSnapshotRequired } from "./rules/data-safety/RdsFinalSnapshotRequired";
import { S3BucketForceDestroyDisabled } from "./rules/data-safety/S3BucketForceDestroyDisabled";
import { SecretsManagerSecretRecoveryWindowSufficient } from "./rules/data-safety/SecretsManagerSecretRecoveryWindowSufficient";
import { CloudfrontDistributionCustomOriginHttpsOnly } from "./rules/edge/CloudfrontDistributionCustomOriginHttpsOnly";
import { CloudfrontDistributionLoggingEnabled } from "./rules/edge/CloudfrontDistributionLoggingEnabled";
import { CloudfrontDistributionS3OriginAccessControl } from "./rules/edge/CloudfrontDistributionS3OriginAccessControl";
import { CloudfrontDistributionViewerHttpsOnly } from "./rules/edge/CloudfrontDistributionViewerHttpsOnly";
import { CloudfrontDistributionViewerTlsModern } from "./rules/edge/CloudfrontDistributionViewerTlsModern";
import { CloudfrontDistributionWafAttached } from "./rules/edge/CloudfrontDistributionWafAttached";
import { LbAccessLogsEnabled } from "./rules/edge/LbAccessLogsEnabled";
import { LbDropInvalidHeaderFieldsEnabled } from "./rules/edge/LbDropInvalidHeaderFieldsEnabled";
import { LbListenerHttpRedirectsToHttps } from "./rules/edge/LbListenerHttpRedirectsToHttps";
import { LbListenerTlsPolicyModern } from "./rules/edge/LbListenerTlsPolicyModern";
import { Wafv2WebAclLoggingEnabled } from "./rules/edge/Wafv2WebAclLoggingEnabled";
import { Wafv2WebAclRulesPresent } from "./rules/edge/Wafv2WebAclRulesPresent";
import { Ec2SecurityGroupDescriptionPresent } from "./rules/network/Ec2SecurityGroupDescriptionPresent";
import { Ec2SecurityGroupNoWorldIngress } from "./rules/network/Ec2SecurityGroupNoWorldIngress";
import { Ec2SubnetNoPublicIpOnLaunch } from "./rules/network/Ec2SubnetNoPublicIpOnLaunch";
import { VpcDefaultSecurityGroupClosed } from "./rules/network/VpcDefaultSecurityGroupClosed";
import { VpcFlowLogEnabled } from "./rules/network/VpcFlowLogEnabled";
import { CloudtrailKmsEncrypted } from "./rules/operations/CloudtrailKmsEncrypted";
import { CloudtrailLogFileValidationEnabled } from "./rules/operations/CloudtrailLogFileValidationEnabled";
import { CloudtrailMultiRegionEnabled } from "./rules/operations/CloudtrailMultiRegionEnabled";
import { CloudwatchLogGroupKmsEncrypted } from "./rules/operations/CloudwatchLogGroupKmsEncrypted";
import { CloudwatchLogGroupRetentionSet } from "./rules/operations/CloudwatchLogGroupRetentionSet";
import { IamPolicyNoWildcardActionsOnAllResources } from "./rules/operations/IamPolicyNoWildcardActionsOnAllResources";
import { IamRoleTerraformRunNotAdministrator } from "./rules/operations/IamRoleTerraformRunNotAdministrator";
import { KmsKeyRotationEnabled } from "./rules/operations/KmsKeyRotationEnabled";
import { LambdaFunctionConcurrencyLimited } from "./rules/operations/LambdaFunctionConcurrencyLimited";
import { LambdaFunctionFailureDestinationConfigured } from "./rules/operations/LambdaFunctionFailureDestinationConfigured";
import { LambdaFunctionTracingActive } from "./rules/operations/LambdaFunctionTracingActive";
import { SecretsManagerSecretCmkEncrypted } from "./rules/operations/SecretsManagerSecretCmkEncrypted";
import { SecretsManagerSecretRotationEnabled } from "./rules/operations/SecretsManagerSecretRotationEnabled";
import { SnsTopicEncrypted } from "./rules/operations/SnsTopicEncrypted";
import { SqsQueueEncrypted } from "./rules/operations/SqsQueueEncrypted";

type Entry = Omit<PolicyDefinition, "id">;

const DEFINITIONS: { readonly [K in RuleId]: Entry } = {
  // ---- network ----
  "SG-NO-WORLD-INGRESS": {
    domain: "network",
    severity: "error",
    title: "No ingress from 0.0.0.0/0 or ::/0, except TCP 80/443 on a load balancer",
    explanation: "A port open to the whole internet is scanned within minutes; only the public load balancer should answer the internet, and only on HTTP (to redirect) and HTTPS.",
    fix: "Allow the peer security group (owner.connections.allowFrom(peer, ...)) or a specific CIDR instead; for a load balancer, open only 443 (and 80 for the redirect).",
    reference: { cdkNag: ["AwsSolutions-EC23"], checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"] },
    rule: Ec2SecurityGroupNoWorldIngress,
  },
  "SG-DESCRIPTION": {
    domain: "network",
    severity: "error",
    title: "Every security group and rule has a description",
    explanation: "During an incident a rule nobody can explain is a rule nobody dares to remove; the provider's default description says nothing.",
    fix: "Set `description` on the group and on every rule: what it lets in and why.",
    reference: { checkov: ["CKV_AWS_23"] },
    rule: Ec2SecurityGroupDescriptionPresent,
  },
  "VPC-FLOW-LOGS": {
    domain: "network",
    severity: "error",
    title: "Every VPC has a flow log of all traffic",
    explanation: "Flow logs are the only record of which addresses talked to what; without them an intrusion or a misrouted connection cannot be traced.",
    fix: "Create the VPC with the Network module (flow logs on by default), or add an aws_flow_log with traffic_type ALL for the VPC.",
    reference: { cdkNag: ["AwsSolutions-VPC7", "NIST.800.53.R5-VPCFlowLogsEnabled"], checkov: ["CKV2_AWS_11"] },
    rule: VpcFlowLogEnabled,
  },
  "VPC-DEFAULT-SG-CLOSED": {
    domain: "network",
    severity: "error",
    title: "Every VPC's default security group has no rules",
    explanation: "Anything launched without a security group lands in the default group, which AWS creates allowing all traffic between its members and all egress.",
    fix: "Take the default group over with an aws_default_security_group with empty ingress and egress (the Network module does) and add no rules to it.",
    reference: { cdkNag: ["NIST.800.53.R5-VPCDefaultSecurityGroupClosed"], checkov: ["CKV2_AWS_12"] },
    rule: VpcDefaultSecurityGroupClosed,
  },
  "SUBNET-NO-PUBLIC-IP": {
    domain: "network",
    severity: "error",
    title: "No public IP on launch outside public subnets",
    explanation: "An instance in a private or data subnet with a public address is one security-group mistake away from the internet.",
    fix: "Set map_public_ip_on_launch = false (the provider default); load balancers and NAT gateways get their own addresses.",
    reference: { cdkNag: ["NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled"], checkov: ["CKV_AWS_130"] },
    rule: Ec2SubnetNoPublicIpOnLaunch,
  },
  // ---- compute ----
  "EC2-IMDSV2": {
    domain: "compute",
    severity: "error",
    title: "Instances and launch templates require IMDSv2",
    explanation: "IMDSv1 answers any request from the instance, so an SSRF bug in an application hands out the instance role's credentials.",
    fix: 'Set metadata_options { http_tokens = "required" } (and http_put_response_hop_limit = 2 where containers need the metadata service).',
    reference: { cdkNag: ["NIST.800.53.R5-EC2IMDSv2Enabled"], checkov: ["CKV_AWS_79"] },
    rule: Ec2InstanceMetadataTokensRequired,
  },
  "EKS-ENDPOINT-RESTRICTED": {
    domain: "compute",
    severity: "error",
    title: "EKS API endpoint private, or public only to listed CIDRs",
    explanation: "The Kubernetes API open to 0.0.0.0/0 is exposed to credential stuffing and to every future API-server vulnerability.",
    fix: "Set vpc_config.endpoint_public_access = false (reach it through the VPC), or list the operators' CIDRs in public_access_cidrs.",
    reference: { cdkNag: ["AwsSolutions-EKS1"], checkov: ["CKV_AWS_39", "CKV_AWS_38"] },
    rule: EksClusterEndpointRestricted,
  },
  "EKS-CONTROL-PLANE-LOGS": {
    domain: "compute",
    severity: "error",
    title: "All EKS control-plane logs enabled",
    explanation: "The audit and authenticator logs are the only record of who did what to the cluster.",
    fix: "Set enabled_cluster_log_types = [api, audit, authenticator, controllerManager, scheduler].",
    reference: { cdkNag: ["AwsSolutions-EKS2"], checkov: ["CKV_AWS_37"] },
    rule: EksClusterControlPlaneLogsEnabled,
  },
  "EKS-SECRETS-ENCRYPTED": {
    domain: "compute",
    severity: "error",
    title: "Kubernetes secrets envelope-encrypted with KMS",
    explanation: "Without envelope encryption, secrets sit in etcd protected only by the disk encryption AWS manages.",
    fix: 'Add encryption_config { resources = ["secrets"], provider { key_arn = <KMS key> } }.',
    reference: { checkov: ["CKV_AWS_58"] },
    rule: EksClusterSecretsEncrypted,
  },
  "ECS-NO-PLAINTEXT-SECRETS": {
    domain: "compute",
    severity: "error",
    title: "No credentials in a container's plain environment",
    explanation: "Plain environment values are stored in the task definition and in Terraform state and shown in the console to anyone who can describe tasks.",
    fix: "Pass the value through `secrets` (valueFrom a Secrets Manager secret or SSM SecureString) instead of `environment`.",
    reference: { cdkNag: ["AwsSolutions-ECS2"] },
    rule: EcsTaskDefinitionNoPlaintextSecrets,
  },
  "ECS-LOGGING": {
    domain: "compute",
    severity: "error",
    title: "Every container has a log configuration",
    explanation: "A container without a log driver loses its output when the task stops; the sale's errors are then gone.",
    fix: 'Set logConfiguration { logDriver = "awslogs" (or awsfirelens), options = {...} } on every container.',
    reference: { cdkNag: ["AwsSolutions-ECS7"] },
    rule: EcsTaskDefinitionLoggingEnabled,
  },
  "ECS-NOT-PRIVILEGED": {
    domain: "compute",
    severity: "error",
    title: "No privileged containers",
    explanation: "A privileged container is root on its host.",
    fix: "Remove privileged: true; grant the specific Linux capability instead if one is truly needed.",
    reference: { checkov: ["CKV_AWS_334"] },
    rule: EcsTaskDefinitionNotPrivileged,
  },
  "ECS-READONLY-ROOT-FS": {
    domain: "compute",
    severity: "warning",
    title: "Containers have read-only root filesystems",
    explanation: "An attacker who gets code execution cannot drop tools into a read-only image; writable paths become explicit volumes.",
    fix: "Set readonlyRootFilesystem: true and mount a volume for the paths the app writes (e.g. /tmp).",
    reference: { checkov: ["CKV_AWS_336"] },
    rule: EcsTaskDefinitionReadonlyRootFilesystem,
  },
  "ECS-NO-PUBLIC-IP": {
    domain: "compute",
    severity: "error",
    title: "ECS services assign no public IPs",
    explanation: "Tasks belong in private subnets behind the load balancer; a public IP bypasses it.",
    fix: "Set network_configuration.assign_public_ip = false and use private subnets (egress through NAT or VPC endpoints).",
    reference: { checkov: ["CKV_AWS_333"] },
    rule: EcsServiceNoPublicIp,
  },
  "ECS-CONTAINER-INSIGHTS": {
    domain: "compute",
    severity: "warning",
    title: "ECS clusters have Container Insights",
    explanation: "Per-task CPU, memory and network metrics are what tell a slow sale from an under-provisioned one.",
    fix: 'Add setting { name = "containerInsights", value = "enabled" } (or "enhanced").',
    reference: { cdkNag: ["AwsSolutions-ECS4"], checkov: ["CKV_AWS_65"] },
    rule: EcsClusterContainerInsightsEnabled,
  },
  // ---- data ----
  "RDS-STORAGE-ENCRYPTED": {
    domain: "data",
    severity: "error",
    title: "Aurora / RDS storage encrypted",
    explanation: "Orders and customer data at rest must be encrypted; it cannot be turned on later without a restore, and the provider default is unencrypted.",
    fix: "Set storage_encrypted = true (and kms_key_id for a customer-managed key).",
    reference: { cdkNag: ["AwsSolutions-RDS2"], checkov: ["CKV_AWS_96"] },
    rule: RdsStorageEncrypted,
  },
  "RDS-BACKUP-RETENTION": {
    domain: "data",
    severity: "error",
    title: "Automated backups kept 7-35 days (ephemeral stacks: at least 1)",
    explanation: "Point-in-time recovery reaches back only as far as the retention; a week covers a bad deploy noticed after a weekend.",
    fix: "Set backup_retention_period between 7 and 35 (at least 1 in event stacks).",
    reference: { cdkNag: ["AwsSolutions-RDS13"], checkov: ["CKV_AWS_133"] },
    rule: RdsBackupRetentionSufficient,
  },
  "RDS-LOG-EXPORTS": {
    domain: "data",
    severity: "warning",
    title: "Database logs exported to CloudWatch Logs",
    explanation: "Audit, error and slow-query logs explain both breaches and the slow checkout at peak.",
    fix: 'Set enabled_cloudwatch_logs_exports = ["audit", "error", "slowquery"] (MySQL) or ["postgresql"].',
    reference: { cdkNag: ["AwsSolutions-RDS16"], checkov: ["CKV_AWS_324"] },
    rule: RdsLogExportsEnabled,
  },
  "RDS-IAM-AUTH": {
    domain: "data",
    severity: "warning",
    title: "IAM database authentication enabled",
    explanation: "Lets applications and operators connect with short-lived IAM tokens instead of long-lived passwords.",
    fix: "Set iam_database_authentication_enabled = true.",
    reference: { cdkNag: ["AwsSolutions-RDS6"], checkov: ["CKV_AWS_162"] },
    rule: RdsIamAuthenticationEnabled,
  },
  "RDS-DELETION-PROTECTION": {
    domain: "data",
    severity: "error",
    title: "Deletion protection on databases of permanent stacks",
    explanation: "A mistaken destroy or replacement must not be able to delete prod's database; event databases answer to EVENT-DB-PROTECTED-UNTIL-TEARDOWN.",
    fix: "Set deletion_protection = true (permanent stacks).",
    reference: { cdkNag: ["AwsSolutions-RDS10"], checkov: ["CKV_AWS_139"] },
    rule: RdsClusterDeletionProtectionEnabled,
  },
  "RDS-COPY-TAGS-TO-SNAPSHOT": {
    domain: "data",
    severity: "warning",
    title: "Snapshots copy the database's tags",
    explanation: "Final snapshots of event databases outlive their stack; tags say which event and owner they belong to.",
    fix: "Set copy_tags_to_snapshot = true.",
    reference: { checkov: ["CKV_AWS_313"] },
    rule: RdsCopyTagsToSnapshotEnabled,
  },
  "RDS-MULTI-AZ": {
    domain: "data",
    severity: "error",
    title: "Databases span two AZs where config asks for high availability",
    explanation: "An Aurora cluster with one instance, or instances in one AZ, is down until AWS replaces the AZ; the config says this stack must survive that.",
    fix: "Add a reader aws_rds_cluster_instance in another AZ, naming availability_zone on each; for RDS instances set multi_az = true.",
    reference: { cdkNag: ["NIST.800.53.R5-RDSMultiAZSupport"] },
    rule: RdsClusterInstancesMultiAz,
  },
  "RDS-NOT-PUBLIC": {
    domain: "data",
    severity: "error",
    title: "No database instance publicly accessible",
    explanation: "Databases live in the data tier with no route to the internet; a public address exposes the listener to the world.",
    fix: "Set publicly_accessible = false (the default).",
    reference: { cdkNag: ["NIST.800.53.R5-RDSInstancePublicAccess"], checkov: ["CKV_AWS_17"] },
    rule: RdsInstanceNotPubliclyAccessible,
  },
  "REDIS-ENCRYPTED-AT-REST": {
    domain: "data",
    severity: "error",
    title: "ElastiCache encrypted at rest",
    explanation: "The cache holds sessions and queued orders; snapshots and swap would otherwise be plain.",
    fix: "Set at_rest_encryption_enabled = true (replacement: set it at creation).",
    reference: { cdkNag: ["AwsSolutions-AEC3"], checkov: ["CKV_AWS_29"] },
    rule: ElasticacheReplicationGroupEncryptedAtRest,
  },
  "REDIS-ENCRYPTED-IN-TRANSIT": {
    domain: "data",
    severity: "error",
    title: "ElastiCache encrypted in transit",
    explanation: "Session tokens and AUTH passwords cross the network; without TLS they can be read by anything on the path.",
    fix: "Set transit_encryption_enabled = true and connect with TLS.",
    reference: { cdkNag: ["AwsSolutions-AEC3"], checkov: ["CKV_AWS_30"] },
    rule: ElasticacheReplicationGroupEncryptedInTransit,
  },
  "REDIS-AUTH": {
    domain: "data",
    severity: "error",
    title: "ElastiCache requires authentication",
    explanation: "Without AUTH or RBAC any workload that can reach the port can read and flush the cache.",
    fix: "Set auth_token (from Secrets Manager) or user_group_ids (RBAC); both need transit encryption.",
    reference: { cdkNag: ["AwsSolutions-AEC6"], checkov: ["CKV_AWS_31"] },
    rule: ElasticacheReplicationGroupAuthEnabled,
  },
  "REDIS-FAILOVER": {
    domain: "data",
    severity: "error",
    title: "ElastiCache fails over across AZs where config asks for high availability",
    explanation: "The waiting room and sessions must survive a node or AZ loss at peak.",
    fix: "Set automatic_failover_enabled = true, multi_az_enabled = true and num_cache_clusters >= 2.",
    reference: { cdkNag: ["AwsSolutions-AEC4"] },
    rule: ElasticacheReplicationGroupFailoverEnabled,
  },
  "REDIS-SNAPSHOTS": {
    domain: "data",
    severity: "warning",
    title: "ElastiCache keeps snapshots",
    explanation: "A daily snapshot lets a flushed or corrupted cache be restored instead of rebuilt under load.",
    fix: "Set snapshot_retention_limit >= 1 (and a snapshot_window outside sale hours).",
    reference: { cdkNag: ["NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup"] },
    rule: ElasticacheReplicationGroupSnapshotsEnabled,
  },
  "S3-PUBLIC-ACCESS-BLOCK": {
    domain: "data",
    severity: "error",
    title: "Every bucket has a public access block with all four flags",
    explanation: "One ACL or policy typo makes a bucket public; the block refuses them. Content reaches the public through CloudFront with OAC.",
    fix: "Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets = true.",
    reference: { cdkNag: ["AwsSolutions-S2"], checkov: ["CKV2_AWS_6"] },
    rule: S3BucketPublicAccessBlocked,
  },
  "S3-ENCRYPTION": {
    domain: "data",
    severity: "error",
    title: "Every bucket declares default encryption",
    explanation: "Declaring SSE makes the encryption (and the key) part of the reviewed configuration instead of an account default that can drift.",
    fix: 'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" (or "AES256" for buckets that CloudFront logging writes to).',
    reference: { cdkNag: ["NIST.800.53.R5-S3DefaultEncryptionKMS"], checkov: ["CKV_AWS_19"] },
    rule: S3BucketEncryptionConfigured,
  },
  "S3-VERSIONING": {
    domain: "data",
    severity: "error",
    title: "Every bucket is versioned",
    explanation: "Versioning turns an overwrite or delete (by a bug or a person) into something that can be undone.",
    fix: 'Add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" } (expire old versions with a lifecycle rule).',
    reference: { cdkNag: ["NIST.800.53.R5-S3BucketVersioningEnabled"], checkov: ["CKV_AWS_21"] },
    rule: S3BucketVersioningEnabled,
  },
  "S3-TLS-ONLY": {
    domain: "data",
    severity: "error",
    title: "Every bucket policy denies non-TLS requests",
    explanation: "S3 accepts plain HTTP unless the bucket policy refuses it.",
    fix: 'Add an aws_s3_bucket_policy (written with policyDocument()) with a Deny of s3:* for Principal "*" on the bucket and its objects when aws:SecureTransport is "false".',
    reference: { cdkNag: ["AwsSolutions-S10", "NIST.800.53.R5-S3BucketSSLRequestsOnly"] },
    rule: S3BucketPolicyTlsOnly,
  },
  "S3-ACCESS-LOGS": {
    domain: "data",
    severity: "warning",
    title: "Buckets log access",
    explanation: "Access logs say who read or changed an object; log buckets themselves are exempt.",
    fix: "Add an aws_s3_bucket_logging pointing at the stack's log bucket.",
    reference: { cdkNag: ["AwsSolutions-S1"], checkov: ["CKV_AWS_18"] },
    rule: S3BucketAccessLoggingEnabled,
  },
  "ECR-IMMUTABLE-TAGS": {
    domain: "data",
    severity: "error",
    title: "ECR image tags are immutable",
    explanation: "A mutable tag can be repointed, so what runs in prod is no longer what was tested and scanned.",
    fix: 'Set image_tag_mutability = "IMMUTABLE" and deploy by unique tag or digest.',
    reference: { checkov: ["CKV_AWS_51"] },
    rule: EcrRepositoryTagsImmutable,
  },
  "ECR-SCAN-ON-PUSH": {
    domain: "data",
    severity: "error",
    title: "ECR images scanned on push",
    explanation: "Known CVEs in an image are found before it is deployed, not after.",
    fix: "Set image_scanning_configuration { scan_on_push = true }, or an aws_ecr_registry_scanning_configuration rule covering the repository.",
    reference: { checkov: ["CKV_AWS_163"] },
    rule: EcrRepositoryScanOnPushEnabled,
  },
  "ECR-KMS": {
    domain: "data",
    severity: "warning",
    title: "ECR repositories encrypted with KMS",
    explanation: "A customer-managed key puts access to image layers under a key policy the project controls.",
    fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <key ARN> } (at creation: it forces replacement).',
    reference: { checkov: ["CKV_AWS_136"] },
    rule: EcrRepositoryKmsEncrypted,
  },
  // ---- edge ----
  "ALB-DROP-INVALID-HEADERS": {
    domain: "edge",
    severity: "error",
    title: "ALBs drop invalid HTTP header fields",
    explanation: "Malformed headers are how request smuggling reaches the application behind the balancer.",
    fix: "Set drop_invalid_header_fields = true.",
    reference: { checkov: ["CKV_AWS_131"] },
    rule: LbDropInvalidHeaderFieldsEnabled,
  },
  "ALB-ACCESS-LOGS": {
    domain: "edge",
    severity: "error",
    title: "Load balancers write access logs",
    explanation: "Access logs are the per-request record of the sale: status codes, latency, client addresses.",
    fix: "Set access_logs { bucket = <log bucket>, enabled = true } (the bucket policy must let the ELB log-delivery principal write).",
    reference: { cdkNag: ["AwsSolutions-ELB2"], checkov: ["CKV_AWS_91"] },
    rule: LbAccessLogsEnabled,
  },
  "ALB-LISTENER-TLS-POLICY": {
    domain: "edge",
    severity: "error",
    title: "HTTPS/TLS listeners use a TLS 1.2+ security policy",
    explanation: "The provider's default policy (2016-08) still negotiates TLS 1.0 and 1.1.",
    fix: 'Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another TLS13-1-2 / TLS-1-2 / FS-1-2 policy).',
    reference: { checkov: ["CKV_AWS_103"] },
    rule: LbListenerTlsPolicyModern,
  },
  "ALB-HTTP-REDIRECT": {
    domain: "edge",
    severity: "error",
    title: "HTTP listeners only redirect to HTTPS",
    explanation: "Serving the shop over plain HTTP exposes sessions and checkout to anyone on the path.",
    fix: 'Make the HTTP listener\'s default_action a redirect { protocol = "HTTPS", port = "443", status_code = "HTTP_301" }.',
    reference: { cdkNag: ["NIST.800.53.R5-ALBHttpToHttpsRedirection"], checkov: ["CKV_AWS_2", "CKV2_AWS_20"] },
    rule: LbListenerHttpRedirectsToHttps,
  },
  "CF-VIEWER-TLS": {
    domain: "edge",
    severity: "error",
    title: "CloudFront viewers use TLS 1.2 (2021 policy) or newer",
    explanation: "Older viewer policies allow TLS 1.0/1.1 and weak ciphers; the default certificate forces TLSv1.",
    fix: 'Use an ACM certificate (us-east-1) with ssl_support_method = "sni-only" and minimum_protocol_version = "TLSv1.2_2021".',
    reference: { cdkNag: ["AwsSolutions-CFR4"], checkov: ["CKV_AWS_174"] },
    rule: CloudfrontDistributionViewerTlsModern,
  },
  "CF-WAF": {
    domain: "edge",
    severity: "error",
    title: "CloudFront distributions have a WAF web ACL",
    explanation: "The sale's front door is where bots, scrapers and injection attempts arrive; the WAF filters them before they cost capacity.",
    fix: "Set web_acl_id to the ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1).",
    reference: { cdkNag: ["AwsSolutions-CFR2"], checkov: ["CKV_AWS_68"] },
    rule: CloudfrontDistributionWafAttached,
  },
  "CF-LOGGING": {
    domain: "edge",
    severity: "error",
    title: "CloudFront distributions log access",
    explanation: "Edge logs are the only record of requests CloudFront answered from cache or blocked.",
    fix: "Set logging_config { bucket = <log bucket domain> }, or deliver standard logs v2 with an aws_cloudwatch_log_delivery_source for the distribution.",
    reference: { cdkNag: ["AwsSolutions-CFR3"], checkov: ["CKV_AWS_86"] },
    rule: CloudfrontDistributionLoggingEnabled,
  },
  "CF-VIEWER-HTTPS": {
    domain: "edge",
    severity: "error",
    title: "No CloudFront behavior allows plain HTTP",
    explanation: "allow-all serves pages and cookies over HTTP.",
    fix: 'Set viewer_protocol_policy = "redirect-to-https" (or "https-only") on every cache behavior.',
    reference: { checkov: ["CKV_AWS_34"] },
    rule: CloudfrontDistributionViewerHttpsOnly,
  },
  "CF-ORIGIN-HTTPS": {
    domain: "edge",
    severity: "error",
    title: "Custom origins reached over HTTPS with TLS 1.2",
    explanation: "Traffic between CloudFront and the origin crosses the internet; http-only or SSLv3/TLSv1 origins undo the viewer-side TLS.",
    fix: 'Set custom_origin_config { origin_protocol_policy = "https-only", origin_ssl_protocols = ["TLSv1.2"] }.',
    reference: { cdkNag: ["AwsSolutions-CFR5"] },
    rule: CloudfrontDistributionCustomOriginHttpsOnly,
  },
  "CF-S3-OAC": {
    domain: "edge",
    severity: "error",
    title: "S3 origins use an origin access control",
    explanation: "With OAC the bucket stays private and readable only by this distribution; without it the bucket must be public or use the legacy OAI.",
    fix: "Create an aws_cloudfront_origin_access_control (sigv4, s3) and set origin_access_control_id on the S3 origin; grant it in the bucket policy.",
    reference: { cdkNag: ["AwsSolutions-CFR7"], checkov: ["CKV2_AWS_46"] },
    rule: CloudfrontDistributionS3OriginAccessControl,
  },
  "WAF-RULES": {
    domain: "edge",
    severity: "error",
    title: "WAF web ACLs have rules, including known-bad-inputs",
    explanation: "A web ACL without rules only applies its default action; the known-bad-inputs group blocks Log4Shell-style lookups and similar exploits.",
    fix: "Add managed rule groups (AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesCommonRuleSet, AWSManagedRulesSQLiRuleSet) and a rate-based rule.",
    reference: { checkov: ["CKV_AWS_192"] },
    rule: Wafv2WebAclRulesPresent,
  },
  "WAF-LOGGING": {
    domain: "edge",
    severity: "error",
    title: "WAF web ACLs log",
    explanation: "Without logs nobody can tell whether the WAF blocked real customers at the opening minute.",
    fix: "Add an aws_wafv2_web_acl_logging_configuration (to a log group named aws-waf-logs-*, or Firehose).",
    reference: { cdkNag: ["NIST.800.53.R5-WAFv2LoggingEnabled"], checkov: ["CKV2_AWS_31"] },
    rule: Wafv2WebAclLoggingEnabled,
  },
  // ---- operations ----
  "LAMBDA-DLQ": {
    domain: "operations",
    severity: "warning",
    title: "Lambda functions keep failed async events",
    explanation: "After its retries an asynchronous event that keeps failing is dropped unless a DLQ or on-failure destination keeps it.",
    fix: "Set dead_letter_config { target_arn = <SQS/SNS> }, or an aws_lambda_function_event_invoke_config with destination_config.on_failure.",
    reference: { cdkNag: ["NIST.800.53.R5-LambdaDLQ"], checkov: ["CKV_AWS_116"] },
    rule: LambdaFunctionFailureDestinationConfigured,
  },
  "LAMBDA-CONCURRENCY": {
    domain: "operations",
    severity: "warning",
    title: "Lambda functions reserve concurrency",
    explanation: "Unreserved functions share the account's pool: one burst can throttle the lifecycle functions, or flood a database with connections.",
    fix: "Set reserved_concurrent_executions to the most the function and its downstreams can take.",
    reference: { cdkNag: ["NIST.800.53.R5-LambdaConcurrency"], checkov: ["CKV_AWS_115"] },
    rule: LambdaFunctionConcurrencyLimited,
  },
  "LAMBDA-TRACING": {
    domain: "operations",
    severity: "warning",
    title: "Lambda functions trace with X-Ray",
    explanation: "Traces show where a slow lifecycle step spends its time (Terraform Cloud API, DMS, SQL).",
    fix: 'Set tracing_config { mode = "Active" } (the role needs xray:PutTraceSegments).',
    reference: { checkov: ["CKV_AWS_50"] },
    rule: LambdaFunctionTracingActive,
  },
  "SNS-ENCRYPTED": {
    domain: "operations",
    severity: "error",
    title: "SNS topics encrypted",
    explanation: "Alarm and lifecycle messages carry resource names and sometimes data; topics are unencrypted by default.",
    fix: "Set kms_master_key_id (a customer key whose policy lets the publishing services use it).",
    reference: { cdkNag: ["NIST.800.53.R5-SNSEncryptedKMS"], checkov: ["CKV_AWS_26"] },
    rule: SnsTopicEncrypted,
  },
  "SQS-ENCRYPTED": {
    domain: "operations",
    severity: "error",
    title: "SQS queues encrypted",
    explanation: "Queued orders are customer data at rest.",
    fix: "Set kms_master_key_id, or sqs_managed_sse_enabled = true.",
    reference: { cdkNag: ["AwsSolutions-SQS2"], checkov: ["CKV_AWS_27"] },
    rule: SqsQueueEncrypted,
  },
  "KMS-ROTATION": {
    domain: "operations",
    severity: "error",
    title: "Symmetric KMS keys rotate",
    explanation: "Yearly rotation limits how much data one key version protects; it costs nothing and breaks nothing.",
    fix: "Set enable_key_rotation = true (the KmsKey module does).",
    reference: { cdkNag: ["AwsSolutions-KMS5"], checkov: ["CKV_AWS_7"] },
    rule: KmsKeyRotationEnabled,
  },
  "LOGS-RETENTION": {
    domain: "operations",
    severity: "error",
    title: "Log groups have a retention period",
    explanation: "Without one, logs are kept and billed forever; retention is a decision, not an accident.",
    fix: "Set retention_in_days to a CloudWatch Logs value (e.g. 30, 90, 365).",
    reference: { cdkNag: ["NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod"], checkov: ["CKV_AWS_66"] },
    rule: CloudwatchLogGroupRetentionSet,
  },
  "LOGS-KMS": {
    domain: "operations",
    severity: "warning",
    title: "Log groups encrypted with a customer-managed key",
    explanation: "Logs hold request details and identifiers; a customer key puts reading them under a key policy.",
    fix: "Set kms_key_id to a KMS key that allows logs.<region>.amazonaws.com for this log group.",
    reference: { cdkNag: ["NIST.800.53.R5-CloudWatchLogGroupEncrypted"], checkov: ["CKV_AWS_158"] },
    rule: CloudwatchLogGroupKmsEncrypted,
  },
  "CLOUDTRAIL-LOG-VALIDATION": {
    domain: "operations",
    severity: "error",
    title: "CloudTrail log file validation on",
    explanation: "Digest files prove the trail was not edited after the fact.",
    fix: "Set enable_log_file_validation = true.",
    reference: { cdkNag: ["NIST.800.53.R5-CloudTrailLogFileValidationEnabled"], checkov: ["CKV_AWS_36"] },
    rule: CloudtrailLogFileValidationEnabled,
  },
  "CLOUDTRAIL-MULTI-REGION": {
    domain: "operations",
    severity: "error",
    title: "CloudTrail records every region",
    explanation: "An attacker works in the region nobody watches; ECR replication and backups already use a second region.",
    fix: "Set is_multi_region_trail = true.",
    reference: { checkov: ["CKV_AWS_67"] },
    rule: CloudtrailMultiRegionEnabled,
  },
  "CLOUDTRAIL-KMS": {
    domain: "operations",
    severity: "error",
    title: "CloudTrail logs encrypted with KMS",
    explanation: "Trail logs map the whole account; a customer key limits who can read them.",
    fix: "Set kms_key_id to a key whose policy lets cloudtrail.amazonaws.com encrypt for this trail.",
    reference: { cdkNag: ["NIST.800.53.R5-CloudTrailEncryptionEnabled"], checkov: ["CKV_AWS_35"] },
    rule: CloudtrailKmsEncrypted,
  },
  "IAM-NO-WILDCARD-ADMIN": {
    domain: "operations",
    severity: "error",
    title: "No IAM policy allows `*` or `service:*` actions on `*` resources",
    explanation: "Whole-service or total wildcards on every resource turn any leaked credential or SSRF into account takeover.",
    fix: "List the actions and resource ARNs needed (policyDocument()); if a wildcard is truly required, suppress with the reason next to the policy.",
    reference: { cdkNag: ["AwsSolutions-IAM5", "NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess"], checkov: ["CKV_AWS_1", "CKV_AWS_62"] },
    rule: IamPolicyNoWildcardActionsOnAllResources,
  },
  "IAM-RUN-ROLE-NOT-ADMIN": {
    domain: "operations",
    severity: "error",
    title: "No Terraform Cloud run role carries AdministratorAccess, PowerUserAccess or IAMFullAccess",
    explanation:
      "Plans and applies run as per-workspace roles bounded to what their kind of stack creates (docs/least-privilege.md); an administrator policy on one lets any pull request's plan or any applied change act anywhere in the account.",
    fix:
      "Remove it from project.terraformCloud.runRolePolicyArns and add the missing service to src/topology/aws-resource-services.ts (or attach a narrow policy of your own). If it must stay for a while, add a policy.suppressions entry for IAM-RUN-ROLE-NOT-ADMIN with the reason.",
    reference: { cdkNag: ["AwsSolutions-IAM4"], checkov: ["CKV_AWS_274"] },
    rule: IamRoleTerraformRunNotAdministrator,
  },
  "SECRET-KMS": {
    domain: "operations",
    severity: "warning",
    title: "Secrets encrypted with a customer-managed key",
    explanation: "The AWS-managed key cannot be shared across accounts or restricted by a key policy (DMS and Lambda read these secrets).",
    fix: "Set kms_key_id to a customer-managed key and grant decrypt to the roles that read the secret.",
    reference: { cdkNag: ["NIST.800.53.R5-SecretsManagerUsingKMSKey"], checkov: ["CKV_AWS_149"] },
    rule: SecretsManagerSecretCmkEncrypted,
  },
  "SECRET-ROTATION": {
    domain: "operations",
    severity: "error",
    title: "Secrets we issue are rotated",
    explanation: "A secret that never changes is valid forever once leaked; secrets issued by others are rotated by their issuer and suppressed with that reason.",
    fix: "Add an aws_secretsmanager_secret_rotation with a rotation Lambda and rotation_rules; or suppress with the issuer as the reason.",
    reference: { cdkNag: ["AwsSolutions-SMG4", "NIST.800.53.R5-SecretsManagerRotationEnabled"], checkov: ["CKV2_AWS_57"] },
    rule: SecretsManagerSecretRotationEnabled,
  },
  // ---- data safety at teardown ----
  "RDS-FINAL-SNAPSHOT": {
    domain: "data-safety",
    severity: "error",
    title: "Databases always take a final snapshot",
    explanation: "Event databases are destroyed on a schedule; the final snapshot is the last copy if DMS missed anything.",
    fix: "Set skip_final_snapshot = false and a unique final_snapshot_identifier (eventResourceNames().finalSnapshotId for event stacks).",
    reference: {},
    rule: RdsFinalSnapshotRequired,
  },
  "EVENT-DB-PROTECTED-UNTIL-TEARDOWN": {
    domain: "data-safety",
    severity: "error",
    title: "Event databases keep deletion protection and a final snapshot until the verified teardown",
    explanation:
      "Only the verified teardown (data reconciled in prod, snapshot taken) may delete an event database: it turns deletion protection off right before its destroy run. Any other destroy, a manual run or the workspace's auto-destroy, must fail at the database, and every destroy must leave a named final snapshot.",
    fix: 'Set deletion_protection = true with lifecycle { ignore_changes = ["deletion_protection"] } (AuroraMysql: permanent: false, deletionProtectionReleasedOutOfBand: true), skip_final_snapshot = false and final_snapshot_identifier = eventResourceNames().finalSnapshotId.',
    reference: { cdkNag: ["AwsSolutions-RDS10"], checkov: ["CKV_AWS_139"] },
    rule: RdsClusterEventDeletionProtectionEnabled,
  },
  "S3-NO-FORCE-DESTROY": {
    domain: "data-safety",
    severity: "error",
    title: "No force_destroy on buckets",
    explanation: "force_destroy deletes every object and version before the bucket, so a destroy (or a replacement) silently empties it.",
    fix: "Set force_destroy = false (the default); empty a bucket on purpose, or suppress for a bucket that holds nothing of record.",
    reference: {},
    rule: S3BucketForceDestroyDisabled,
  },
  "SECRET-RECOVERY-WINDOW": {
    domain: "data-safety",
    severity: "error",
    title: "Deleted secrets recoverable for at least 7 days",
    explanation: "recovery_window_in_days = 0 deletes the secret at once; a mistaken destroy then breaks every client with no way back.",
    fix: "Leave recovery_window_in_days unset (30) or set 7-30.",
    reference: {},
    rule: SecretsManagerSecretRecoveryWindowSufficient,
  },
  "DMS-TARGET-PREP-DO-NOTHING": {
    domain: "data-safety",
    severity: "error",
    title: "DMS tasks into prod leave target tables alone",
    explanation: "The DMS default TargetTablePrepMode, DROP_AND_CREATE, drops prod's tables before loading the event's rows.",
    fix: 'Set FullLoadSettings.TargetTablePrepMode = "DO_NOTHING" in the task settings JSON.',
    reference: {},
    rule: DmsTaskTargetTablePrepModeDoNothing,
  },
  "DMS-VALIDATION": {
    domain: "data-safety",
    severity: "error",
    title: "DMS tasks into prod validate the copy",
    explanation: "Validation reports mismatched rows to the on-call during the sale, while there is time to act; the teardown's gate is the project's own reconciliation by key (validation is not supported when prod's tables hold other rows, so it cannot be the gate).",
    fix: "Set ValidationSettings.EnableValidation = true in the task settings JSON.",
    reference: {},
    rule: DmsTaskValidationEnabled,
  },
  "DMS-STOP-ON-ERROR": {
    domain: "data-safety",
    severity: "error",
    title: "DMS tasks into prod stop on errors",
    explanation: "The default error policies log or skip a failing row and carry on: an order silently missing from prod.",
    fix: 'Set ErrorBehavior DataErrorPolicy, DataTruncationErrorPolicy, TableErrorPolicy, ApplyErrorInsertPolicy, ApplyErrorUpdatePolicy and ApplyErrorDeletePolicy to "STOP_TASK".',
    reference: {},
    rule: DmsTaskErrorPoliciesStopTask,
  },
  "DMS-INSTANCE-NOT-PUBLIC": {
    domain: "data-safety",
    severity: "error",
    title: "DMS replication instances not public (explicitly)",
    explanation: "DMS makes a replication instance public when publicly_accessible is left out; it holds credentials to both databases.",
    fix: "Set publicly_accessible = false on the aws_dms_replication_instance.",
    reference: { cdkNag: ["NIST.800.53.R5-DMSReplicationNotPublic"], checkov: ["CKV_AWS_89"] },
    rule: DmsReplicationInstanceNotPublic,
  },
  "DMS-ENDPOINT-TLS": {
    domain: "data-safety",
    severity: "error",
    title: "DMS endpoints use TLS",
    explanation: "Replication carries every order across the peering link; ssl_mode defaults to none.",
    fix: 'Set ssl_mode = "verify-full" (with the RDS CA certificate) or at least "require".',
    reference: { checkov: ["CKV2_AWS_49"] },
    rule: DmsEndpointTlsEnabled,
  },
  "PROD-PREVENT-DESTROY": {
    domain: "data-safety",
    severity: "error",
    title: "Prod data stores carry prevent_destroy",
    explanation: "In the stack events sync into, no plan may destroy a database, table, file system, bucket or backup vault; Terraform refuses the plan instead.",
    fix: "Set lifecycle { prevent_destroy = true } on the resource (cdktf: lifecycle: { preventDestroy: true }).",
    reference: {},
    rule: DataStorePreventDestroyEnabled,
  },
};

/** The pack, in the order of {@link RULE_IDS}. */
export const POLICY_PACK: readonly PolicyDefinition[] = RULE_IDS.map((id) => ({ id, ...DEFINITIONS[id] }));

const BY_ID = new Map(POLICY_PACK.map((p) => [p.id, p]));

export function definitionOf(id: RuleId): PolicyDefinition {
  return BY_ID.get(id)!;
}
