import type { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { ModuleConstruct } from "../core/environment";
import { policyDocument, type PolicyStatement } from "../security/policy-document";
import type { EksCluster } from "./eks-cluster";
import { EC2_TRUST_POLICY, NODE_ROLE_MANAGED_POLICIES } from "./eks-node-group";
import { PodIdentityRole } from "./pod-identity-role";

/** EC2 and AWS Health events that tell Karpenter a node is about to go (or already went). */
export const KARPENTER_INTERRUPTION_EVENTS = {
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
} as const;

export interface KarpenterProps {
  readonly cluster: EksCluster;
  /** Namespace of Karpenter's service account. @default "kube-system" */
  readonly namespace?: string;
  /** Karpenter's service account. @default "karpenter" */
  readonly serviceAccount?: string;
  /**
   * How long an interruption message waits in the queue.
   * @default 300 seconds - older warnings are moot (a spot notice gives two minutes)
   */
  readonly messageRetentionSeconds?: number;
}

/**
 * What Karpenter needs from AWS, created here so the add-ons stack only installs the chart:
 * - a node role, its instance profile and an EC2_LINUX access entry, so launched nodes can join;
 * - the interruption queue (SSE-SQS: EventBridge cannot send to a queue under a customer key
 *   without extra key grants, and the messages are AWS event notices) with EventBridge rules for
 *   spot interruptions, rebalance recommendations, instance state changes and scheduled changes,
 *   and a queue policy that accepts exactly those rules, over TLS only;
 * - the controller's Pod Identity role, scoped to this cluster's tags, region, queue and node role.
 *
 * The EC2NodeClass must use `instanceProfile` (this profile), not `role`: the controller is not
 * allowed to create instance profiles. Subnets and security groups are found by the
 * `karpenter.sh/discovery: <cluster name>` tags on the private subnets and the node security group.
 */
export class Karpenter extends ModuleConstruct {
  readonly nodeRole: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  readonly queue: SqsQueue;
  readonly controllerRole: PodIdentityRole;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const { naming, region } = this;
    const { cluster } = props;
    const clusterName = cluster.clusterName;

    this.nodeRole = new IamRole(this, "node-role", {
      name: naming.name("karpenter-node"),
      description: `EC2 role of the nodes Karpenter launches for ${clusterName}`,
      assumeRolePolicy: EC2_TRUST_POLICY,
    });
    NODE_ROLE_MANAGED_POLICIES.forEach(
      (policyArn, i) => new IamRolePolicyAttachment(this, `node-policy-${i}`, { role: this.nodeRole.name, policyArn }),
    );
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", {
      name: naming.name("karpenter-node"),
      role: this.nodeRole.name,
    });
    cluster.addNodeAccessEntry("karpenter", this.nodeRole.arn);

    this.queue = new SqsQueue(this, "queue", {
      name: naming.name("karpenter-interruptions", 80),
      messageRetentionSeconds: props.messageRetentionSeconds ?? 300,
      sqsManagedSseEnabled: true,
    });
    const rules = Object.entries(KARPENTER_INTERRUPTION_EVENTS).map(([name, pattern]) => {
      const rule = new CloudwatchEventRule(this, `rule-${name}`, {
        name: naming.name(`karpenter-${name}`),
        description: `Karpenter interruption handling for ${clusterName}: ${name}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `target-${name}`, {
        rule: rule.name,
        targetId: "karpenter-interruption-queue",
        arn: this.queue.arn,
      });
      return rule;
    });
    new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          sid: "EventBridgeInterruptionRules",
          principals: { type: "Service", identifiers: ["events.amazonaws.com"] },
          actions: ["sqs:SendMessage"],
          resources: [this.queue.arn],
          conditions: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: { type: "*", identifiers: ["*"] },
          actions: ["sqs:*"],
          resources: [this.queue.arn],
          conditions: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });

    const namespace = props.namespace ?? "kube-system";
    const serviceAccount = props.serviceAccount ?? "karpenter";
    this.controllerRole = new PodIdentityRole(this, "controller", {
      name: "karpenter-controller",
      description: `Karpenter controller of ${clusterName}`,
      clusterName,
      clusterArn: cluster.clusterArn,
      namespace,
      serviceAccount,
      statements: karpenterControllerStatements({
        clusterName,
        clusterArn: cluster.clusterArn,
        region,
        queueArn: this.queue.arn,
        nodeRoleArn: this.nodeRole.arn,
        instanceProfileArn: this.instanceProfile.arn,
      }),
    });
  }

  get queueName(): string {
    return this.queue.name;
  }

  get nodeRoleName(): string {
    return this.nodeRole.name;
  }

  get instanceProfileName(): string {
    return this.instanceProfile.name;
  }

  get controllerRoleArn(): string {
    return this.controllerRole.roleArn;
  }
}

interface KarpenterScope {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly queueArn: string;
  readonly nodeRoleArn: string;
  readonly instanceProfileArn: string;
}

/**
 * The controller's permissions: launch and tag instances only with this cluster's ownership tags,
 * terminate only what it tagged, read in this region only, consume its own queue, pass only its
 * node role. Instance profiles are not managed by the controller (the profile is given).
 */
export function karpenterControllerStatements(s: KarpenterScope): PolicyStatement[] {
  const ec2 = (resource: string) => `arn:aws:ec2:${s.region}:*:${resource}`;
  const owned = { [`aws:RequestTag/kubernetes.io/cluster/${s.clusterName}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": s.clusterName };
  const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
  return [
    {
      sid: "LaunchFromSharedResources",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [
        `arn:aws:ec2:${s.region}::image/*`,
        `arn:aws:ec2:${s.region}::snapshot/*`,
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
      ],
    },
    {
      sid: "LaunchFromOwnLaunchTemplates",
      actions: ["ec2:RunInstances", "ec2:CreateFleet"],
      resources: [ec2("launch-template/*")],
      conditions: {
        StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      sid: "CreateOnlyWithClusterTags",
      actions: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      resources: launched,
      conditions: { StringEquals: owned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    },
    {
      sid: "TagOnCreate",
      actions: ["ec2:CreateTags"],
      resources: launched,
      conditions: {
        StringEquals: { ...owned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      sid: "TagOwnInstances",
      actions: ["ec2:CreateTags"],
      resources: [ec2("instance/*")],
      conditions: {
        StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      sid: "DeleteOnlyOwn",
      actions: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      resources: [ec2("instance/*"), ec2("launch-template/*")],
      conditions: {
        StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${s.clusterName}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      sid: "ReadInThisRegion",
      actions: [
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestedRegion": s.region } },
    },
    { sid: "ReadPublicAmiParameters", actions: ["ssm:GetParameter"], resources: [`arn:aws:ssm:${s.region}::parameter/aws/service/*`] },
    { sid: "ReadPrices", actions: ["pricing:GetProducts"], resources: ["*"] },
    { sid: "ConsumeInterruptionQueue", actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], resources: [s.queueArn] },
    {
      sid: "PassNodeRole",
      actions: ["iam:PassRole"],
      resources: [s.nodeRoleArn],
      conditions: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    { sid: "ReadNodeInstanceProfile", actions: ["iam:GetInstanceProfile"], resources: [s.instanceProfileArn] },
    { sid: "DiscoverApiEndpoint", actions: ["eks:DescribeCluster"], resources: [s.clusterArn] },
  ];
}
