/**
 * Every rule id of the policy pack. Kept apart from the rules themselves so that config validation
 * and `suppress()` can check an id without loading the pack; `pack.ts` must define exactly these
 * (the type system and a manifest test both hold it to that).
 */
export const RULE_IDS = [
  // network
  "SG-NO-WORLD-INGRESS",
  "SG-DESCRIPTION",
  "VPC-FLOW-LOGS",
  "VPC-DEFAULT-SG-CLOSED",
  "SUBNET-NO-PUBLIC-IP",
  // compute
  "EC2-IMDSV2",
  "EKS-ENDPOINT-RESTRICTED",
  "EKS-CONTROL-PLANE-LOGS",
  "EKS-SECRETS-ENCRYPTED",
  "ECS-NO-PLAINTEXT-SECRETS",
  "ECS-LOGGING",
  "ECS-NOT-PRIVILEGED",
  "ECS-READONLY-ROOT-FS",
  "ECS-NO-PUBLIC-IP",
  "ECS-CONTAINER-INSIGHTS",
  // data
  "RDS-STORAGE-ENCRYPTED",
  "RDS-BACKUP-RETENTION",
  "RDS-LOG-EXPORTS",
  "RDS-IAM-AUTH",
  "RDS-DELETION-PROTECTION",
  "RDS-COPY-TAGS-TO-SNAPSHOT",
  "RDS-MULTI-AZ",
  "RDS-NOT-PUBLIC",
  "REDIS-ENCRYPTED-AT-REST",
  "REDIS-ENCRYPTED-IN-TRANSIT",
  "REDIS-AUTH",
  "REDIS-FAILOVER",
  "REDIS-SNAPSHOTS",
  "S3-PUBLIC-ACCESS-BLOCK",
  "S3-ENCRYPTION",
  "S3-VERSIONING",
  "S3-TLS-ONLY",
  "S3-ACCESS-LOGS",
  "ECR-IMMUTABLE-TAGS",
  "ECR-SCAN-ON-PUSH",
  "ECR-KMS",
  // edge
  "ALB-DROP-INVALID-HEADERS",
  "ALB-ACCESS-LOGS",
  "ALB-LISTENER-TLS-POLICY",
  "ALB-HTTP-REDIRECT",
  "CF-VIEWER-TLS",
  "CF-WAF",
  "CF-LOGGING",
  "CF-VIEWER-HTTPS",
  "CF-ORIGIN-HTTPS",
  "CF-S3-OAC",
  "WAF-RULES",
  "WAF-LOGGING",
  // operations
  "LAMBDA-DLQ",
  "LAMBDA-CONCURRENCY",
  "LAMBDA-TRACING",
  "SNS-ENCRYPTED",
  "SQS-ENCRYPTED",
  "KMS-ROTATION",
  "LOGS-RETENTION",
  "LOGS-KMS",
  "CLOUDTRAIL-LOG-VALIDATION",
  "CLOUDTRAIL-MULTI-REGION",
  "CLOUDTRAIL-KMS",
  "IAM-NO-WILDCARD-ADMIN",
  "IAM-RUN-ROLE-NOT-ADMIN",
  "SECRET-KMS",
  "SECRET-ROTATION",
  // data safety at teardown
  "RDS-FINAL-SNAPSHOT",
  "EVENT-DB-PROTECTED-UNTIL-TEARDOWN",
  "S3-NO-FORCE-DESTROY",
  "SECRET-RECOVERY-WINDOW",
  "DMS-TARGET-PREP-DO-NOTHING",
  "DMS-VALIDATION",
  "DMS-STOP-ON-ERROR",
  "DMS-INSTANCE-NOT-PUBLIC",
  "DMS-ENDPOINT-TLS",
  "PROD-PREVENT-DESTROY",
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}
