import { describe, expect, it } from "vitest";
import { AwsLoadBalancerControllerRole, type AwsLoadBalancerControllerRoleProps } from "../../../modules/compute/aws-load-balancer-controller-role";
import { FluentBitRole, type FluentBitRoleProps } from "../../../modules/compute/fluent-bit-role";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../../helpers/synth";
import { testCluster } from "../../helpers/eks";
import { ACCOUNT, REGION, actionsOf, moduleStack, type PolicyJson } from "../../helpers/stack";

function synthLbc(props: Partial<AwsLoadBalancerControllerRoleProps> = {}): TerraformJson {
  const { stack } = moduleStack();
  const cluster = testCluster(stack);
  new AwsLoadBalancerControllerRole(stack, "lbc", { cluster, ...props });
  return synthJson(stack);
}

function synthFluentBit(props: Partial<FluentBitRoleProps> = {}, archive = false): TerraformJson {
  const { stack } = moduleStack();
  const cluster = testCluster(stack);
  const bucket = archive ? new S3Bucket(stack, "logs", { bucketName: "flashcrowd-test-logs", encryption: "s3-managed" }) : undefined;
  new FluentBitRole(stack, "fluent-bit", {
    cluster,
    archive: bucket ? { bucket, prefix: "eks-containers/" } : undefined,
    ...props,
  });
  return synthJson(stack);
}

const inlinePolicy = (json: TerraformJson, name: string) => parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy").find((p) => p.name === name)!.policy);

describe("AwsLoadBalancerControllerRole", () => {
  const json = synthLbc();

  it("may only read load balancing and network state in its region", () => {
    const policy = inlinePolicy(json, "aws-load-balancer-controller");
    const actions = policy.Statement.flatMap(actionsOf);
    expect(actions.every((a) => /^(elasticloadbalancing|ec2):Describe/.test(a))).toBe(true);
    expect(policy.Statement.every((s) => JSON.stringify(s.Condition) === JSON.stringify({ StringEquals: { "aws:RequestedRegion": REGION } }))).toBe(true);
  });

  it("is bound to kube-system/aws-load-balancer-controller by default", () => {
    expect(listOf(json, "aws_eks_pod_identity_association")).toEqual([
      expect.objectContaining({ namespace: "kube-system", service_account: "aws-load-balancer-controller" }),
    ]);
  });

  it("takes another namespace and service account from props", () => {
    expect(listOf(synthLbc({ namespace: "ingress", serviceAccount: "lbc" }), "aws_eks_pod_identity_association")).toEqual([
      expect.objectContaining({ namespace: "ingress", service_account: "lbc" }),
    ]);
  });
});

describe("FluentBitRole", () => {
  const json = synthFluentBit();
  const group = Object.entries(resourcesOf(json, "aws_cloudwatch_log_group")).find(([, g]) => (g.name as string).endsWith("/containers"))!;

  it("creates the container log group, retained and encrypted with the cluster key", () => {
    expect(group[1]).toEqual(expect.objectContaining({ name: "/aws/eks/flashcrowd-test-eks/containers", retention_in_days: 90, kms_key_id: expect.stringContaining("aws_kms_key.eks_key_") }));
  });

  it("lets CloudWatch Logs use the cluster key for that group", () => {
    const key = listOf(json, "aws_kms_key").find((k) => (k.description as string).includes("secrets"))!;
    const statement = parseJsonAttribute<PolicyJson>(key.policy).Statement.find((s) => s.Sid === "CloudWatchLogsContainers")!;
    expect(statement.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/flashcrowd-test-eks/containers` },
    });
  });

  it("may write streams and events to that group only, and cannot create groups or write to S3", () => {
    const policy = inlinePolicy(json, "fluent-bit");
    expect(policy.Statement).toEqual([
      {
        Sid: "WriteContainerLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/flashcrowd-test-eks/containers:*`,
      },
    ]);
  });

  it("is bound to amazon-cloudwatch/fluent-bit by default", () => {
    expect(listOf(json, "aws_eks_pod_identity_association")).toEqual([expect.objectContaining({ namespace: "amazon-cloudwatch", service_account: "fluent-bit" })]);
  });

  it("may also put objects under the archive prefix when an archive bucket is given", () => {
    const policy = inlinePolicy(synthFluentBit({ logRetentionDays: 30 }, true), "fluent-bit");
    expect(policy.Statement).toContainEqual({
      Sid: "ArchiveContainerLogs",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.logs_bucket_[A-Z0-9]+\.arn\}\/eks-containers\/\*$/),
    });
  });

  it("takes the retention from props", () => {
    const json30 = synthFluentBit({ logRetentionDays: 30 });
    expect(listOf(json30, "aws_cloudwatch_log_group").find((g) => (g.name as string).endsWith("/containers"))!.retention_in_days).toBe(30);
  });
});
