import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import type { AddonInputs } from "../../src/config/addons-contract";

/**
 * Stand-ins for what the platform's EKS, ALB, logging and secrets modules will create: real
 * resources in `scope` (a stack with an AWS provider), so the add-on inputs are real tokens and an
 * add-ons stack built from them makes real cross-stack references.
 */
export function placeholderAddonInputs(scope: Construct, targetGroups: readonly string[] = ["web", "api"]): AddonInputs {
  const role = (id: string) =>
    new IamRole(scope, `placeholder-${id}`, { name: `placeholder-${id}`, assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' });
  const vpc = new Vpc(scope, "placeholder-vpc", { cidrBlock: "10.9.0.0/16" });
  const cluster = new EksCluster(scope, "placeholder-eks", {
    name: "placeholder-eks",
    roleArn: role("cluster").arn,
    vpcConfig: { subnetIds: ["subnet-0123456789abcdef0"] },
  });
  const queue = new SqsQueue(scope, "placeholder-queue", { name: "placeholder-karpenter" });
  const profile = new IamInstanceProfile(scope, "placeholder-profile", { name: "placeholder-karpenter-node", role: role("karpenter-node").name });
  const logGroup = new CloudwatchLogGroup(scope, "placeholder-logs", { name: "/aws/eks/placeholder/containers" });
  const bucket = new S3Bucket(scope, "placeholder-bucket", { bucket: "placeholder-logs-bucket" });
  const key = new KmsKey(scope, "placeholder-key", { description: "placeholder" });
  const secret = (id: string) => new SecretsmanagerSecret(scope, `placeholder-${id}`, { name: `placeholder/${id}`, kmsKeyId: key.arn });
  const targetGroupArns: Record<string, string> = {};
  for (const name of targetGroups) {
    targetGroupArns[name] = new LbTargetGroup(scope, `placeholder-tg-${name}`, { name: `placeholder-${name}`, targetType: "ip", port: 80, protocol: "HTTP", vpcId: vpc.id }).arn;
  }
  return {
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    clusterEndpoint: cluster.endpoint,
    clusterCertificateAuthorityData: cluster.certificateAuthority.get(0).data,
    vpcId: vpc.id,
    podIdentityRoleArns: {
      loadBalancerController: role("lbc").arn,
      karpenterController: role("karpenter").arn,
      fluentBit: role("fluent-bit").arn,
    },
    karpenter: { interruptionQueueName: queue.name, nodeIdentity: { instanceProfile: profile.name } },
    targetGroupArns,
    containerLogs: { logGroupName: logGroup.name, archiveBucketName: bucket.bucket, archivePrefix: "eks-containers/" },
    alertingSecrets: {
      grafanaAdminSecretArn: secret("grafana-admin").arn,
      slackWebhookSecretArn: secret("alertmanager-slack").arn,
      kmsKeyArn: key.arn,
    },
    volumeKmsKeyArn: key.arn,
  };
}
