import { Cloudtrail, type CloudtrailConfig } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaFunction, type LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Network } from "../../../modules/network/network";
import { KmsKey } from "../../../modules/security/kms-key";
import { policyDocument, serviceTrustPolicy } from "../../../modules/security/policy-document";
import { check, expectCase, type RuleCase } from "../helpers";

const FN = "aws_lambda_function.fn";
const fn = (s: TerraformStack, extra: Partial<LambdaFunctionConfig> = {}) =>
  new LambdaFunction(s, "fn", { functionName: "post-apply", role: "arn:aws:iam::210987654321:role/fn", handler: "index.handler", runtime: "nodejs20.x", filename: "fn.zip", ...extra });

describe("LAMBDA-DLQ", () => {
  it.each<RuleCase>([
    { name: "no DLQ and no on-failure destination", build: (s) => fn(s), address: FN, status: "non_compliant" },
    { name: "a dead-letter queue", build: (s) => fn(s, { deadLetterConfig: { targetArn: "arn:aws:sqs:ap-northeast-2:210987654321:dlq" } }), address: FN, status: "compliant" },
    {
      name: "an on-failure destination",
      build: (s) => new LambdaFunctionEventInvokeConfig(s, "invoke", { functionName: fn(s).functionName, destinationConfig: { onFailure: { destination: "arn:aws:sqs:ap-northeast-2:210987654321:dlq" } } }),
      address: FN,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("LAMBDA-DLQ", c));
});

describe("LAMBDA-CONCURRENCY", () => {
  it.each<RuleCase>([
    { name: "absent (unreserved)", build: (s) => fn(s), address: FN, status: "non_compliant" },
    { name: "-1 (unreserved)", build: (s) => fn(s, { reservedConcurrentExecutions: -1 }), address: FN, status: "non_compliant" },
    { name: "5", build: (s) => fn(s, { reservedConcurrentExecutions: 5 }), address: FN, status: "compliant" },
  ])("$name: $status", (c) => expectCase("LAMBDA-CONCURRENCY", c));
});

describe("LAMBDA-TRACING", () => {
  it.each<RuleCase>([
    { name: "absent (PassThrough)", build: (s) => fn(s), address: FN, status: "non_compliant" },
    { name: "Active", build: (s) => fn(s, { tracingConfig: { mode: "Active" } }), address: FN, status: "compliant" },
  ])("$name: $status", (c) => expectCase("LAMBDA-TRACING", c));
});

describe("SNS-ENCRYPTED", () => {
  it.each<RuleCase>([
    { name: "no key", build: (s) => new SnsTopic(s, "topic", { name: "alerts" }), address: "aws_sns_topic.topic", status: "non_compliant" },
    { name: "a KMS key", build: (s) => new SnsTopic(s, "topic", { name: "alerts", kmsMasterKeyId: "alias/alerts" }), address: "aws_sns_topic.topic", status: "compliant" },
  ])("$name: $status", (c) => expectCase("SNS-ENCRYPTED", c));
});

describe("SQS-ENCRYPTED", () => {
  it.each<RuleCase>([
    { name: "nothing set", build: (s) => new SqsQueue(s, "q", { name: "orders" }), address: "aws_sqs_queue.q", status: "non_compliant" },
    { name: "SQS-managed encryption off", build: (s) => new SqsQueue(s, "q", { name: "orders", sqsManagedSseEnabled: false }), address: "aws_sqs_queue.q", status: "non_compliant" },
    { name: "SQS-managed encryption on", build: (s) => new SqsQueue(s, "q", { name: "orders", sqsManagedSseEnabled: true }), address: "aws_sqs_queue.q", status: "compliant" },
    { name: "a KMS key", build: (s) => new SqsQueue(s, "q", { name: "orders", kmsMasterKeyId: "alias/orders" }), address: "aws_sqs_queue.q", status: "compliant" },
  ])("$name: $status", (c) => expectCase("SQS-ENCRYPTED", c));
});

describe("KMS-ROTATION", () => {
  it.each<RuleCase>([
    { name: "the KmsKey module", build: (s) => new KmsKey(s, "key", { alias: "test", description: "test" }), address: "aws_kms_key.key_F64E54E4", status: "compliant" },
    { name: "rotation absent", build: (s) => new KmsKeyResource(s, "key", { description: "x" }), address: "aws_kms_key.key", status: "non_compliant" },
    { name: "an asymmetric signing key", build: (s) => new KmsKeyResource(s, "key", { description: "x", customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }), address: "aws_kms_key.key", status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("KMS-ROTATION", c));
});

describe("LOGS-RETENTION", () => {
  it.each<RuleCase>([
    { name: "absent (never expires)", build: (s) => new CloudwatchLogGroup(s, "g", { name: "/app" }), address: "aws_cloudwatch_log_group.g", status: "non_compliant" },
    { name: "0 (never expires)", build: (s) => new CloudwatchLogGroup(s, "g", { name: "/app", retentionInDays: 0 }), address: "aws_cloudwatch_log_group.g", status: "non_compliant" },
    { name: "30 days", build: (s) => new CloudwatchLogGroup(s, "g", { name: "/app", retentionInDays: 30 }), address: "aws_cloudwatch_log_group.g", status: "compliant" },
  ])("$name: $status", (c) => expectCase("LOGS-RETENTION", c));
});

describe("LOGS-KMS", () => {
  it.each<RuleCase>([
    { name: "no key", build: (s) => new CloudwatchLogGroup(s, "g", { name: "/app", retentionInDays: 30 }), address: "aws_cloudwatch_log_group.g", status: "non_compliant" },
    {
      name: "the Network module's flow-log group",
      build: (s) => new Network(s, "network", { cidr: "10.0.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b"] }),
      address: "aws_cloudwatch_log_group.network_flow-log-group_73759AFD",
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("LOGS-KMS", c));
});

const TRAIL = "aws_cloudtrail.trail";
const trail = (s: TerraformStack, extra: Partial<CloudtrailConfig> = {}) => new Cloudtrail(s, "trail", { name: "account", s3BucketName: "trail-logs", ...extra });

describe.each([
  ["CLOUDTRAIL-LOG-VALIDATION", { enableLogFileValidation: true }],
  ["CLOUDTRAIL-MULTI-REGION", { isMultiRegionTrail: true }],
  ["CLOUDTRAIL-KMS", { kmsKeyId: "arn:aws:kms:ap-northeast-2:210987654321:key/1" }],
] as const)("%s", (rule, good) => {
  it("absent: non_compliant", () => expectCase(rule, { name: "absent", build: (s) => trail(s), address: TRAIL, status: "non_compliant" }));
  it("set: compliant", () => expectCase(rule, { name: "set", build: (s) => trail(s, good), address: TRAIL, status: "compliant" }));
});

describe("IAM-NO-WILDCARD-ADMIN", () => {
  const role = (s: TerraformStack, extra: { managedPolicyArns?: string[] } = {}) =>
    new IamRole(s, "role", { name: "app", assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", "210987654321"), ...extra });
  it.each<RuleCase>([
    {
      name: "s3:* on *",
      build: (s) => new IamRolePolicy(s, "p", { role: role(s).id, policy: policyDocument([{ actions: ["s3:*"], resources: ["*"] }]) }),
      address: "aws_iam_role_policy.p",
      status: "non_compliant",
      message: /allows s3:\* on all resources/,
    },
    { name: "* on * in a managed policy", build: (s) => new IamPolicy(s, "p", { policy: policyDocument([{ actions: ["*"], resources: ["*"] }]) }), address: "aws_iam_policy.p", status: "non_compliant" },
    { name: "NotAction on *", build: (s) => new IamPolicy(s, "p", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }) }), address: "aws_iam_policy.p", status: "non_compliant" },
    { name: "a policy as an expression", build: (s) => new IamPolicy(s, "p", { policy: "${data.aws_iam_policy_document.x.json}" }), address: "aws_iam_policy.p", status: "non_compliant", message: /policyDocument/ },
    { name: "AdministratorAccess attached", build: (s) => new IamRolePolicyAttachment(s, "a", { role: role(s).name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }), address: "aws_iam_role_policy_attachment.a", status: "non_compliant" },
    { name: "AdministratorAccess in managed_policy_arns", build: (s) => role(s, { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }), address: "aws_iam_role.role", status: "non_compliant" },
    {
      name: "narrow wildcard on * and service wildcard on a named resource",
      build: (s) => new IamPolicy(s, "p", { policy: policyDocument([{ actions: ["ec2:Describe*"], resources: ["*"] }, { actions: ["s3:*"], resources: ["arn:aws:s3:::bucket/*"] }]) }),
      address: "aws_iam_policy.p",
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("IAM-NO-WILDCARD-ADMIN", c));

  it("passes the Network module's flow-log role and policy", () => {
    const results = check("IAM-NO-WILDCARD-ADMIN", (s) => new Network(s, "network", { cidr: "10.0.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b"] }));
    expect(results.map((r) => r.status)).toEqual(["compliant", "compliant"]);
  });
});

const SECRET = "aws_secretsmanager_secret.secret";
describe("SECRET-KMS", () => {
  it.each<RuleCase>([
    { name: "the AWS-managed key", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db" }), address: SECRET, status: "non_compliant" },
    { name: "a customer key", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db", kmsKeyId: "alias/secrets" }), address: SECRET, status: "compliant" },
  ])("$name: $status", (c) => expectCase("SECRET-KMS", c));
});

describe("SECRET-ROTATION", () => {
  it.each<RuleCase>([
    { name: "no rotation (missing partner)", build: (s) => new SecretsmanagerSecret(s, "secret", { name: "db" }), address: SECRET, status: "non_compliant" },
    {
      name: "a rotation",
      build: (s) => new SecretsmanagerSecretRotation(s, "rot", { secretId: new SecretsmanagerSecret(s, "secret", { name: "db" }).id, rotationLambdaArn: "arn:fn", rotationRules: { automaticallyAfterDays: 30 } }),
      address: SECRET,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("SECRET-ROTATION", c));
});
