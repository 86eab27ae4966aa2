import { Token, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { EksNodeGroup as EksNodeGroupResource } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ModuleConstruct } from "../core/environment";
import type { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";

/** Managed policies every EKS worker node role carries (also Karpenter's node role). */
export const NODE_ROLE_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  // Session Manager instead of SSH: no key pairs, no port 22.
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
] as const;

/** Trust policy of an EC2 instance role (EC2 does not pass aws:SourceAccount for instance profiles). */
export const EC2_TRUST_POLICY = policyDocument([
  { principals: { type: "Service", identifiers: ["ec2.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
]);

export interface EksNodeGroupProps {
  /** Component name of the group: the node group is `{project}-{stack}-{name}-<suffix>`, its role `{project}-{stack}-{name}-node`. */
  readonly name: string;
  /** Name of the cluster the nodes join. */
  readonly clusterName: string;
  /** Subnets the nodes run in (private tier). */
  readonly subnetIds: readonly string[];
  /** Security groups of the nodes (replace the cluster security group EKS would otherwise attach). */
  readonly securityGroupIds: readonly string[];
  readonly instanceTypes: readonly string[];
  /** @default "AL2023_x86_64_STANDARD" - Amazon Linux 2023, x86 */
  readonly amiType?: "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD";
  /** @default "ON_DEMAND" - SPOT is cheaper but nodes can be reclaimed with two minutes' notice */
  readonly capacityType?: "ON_DEMAND" | "SPOT";
  readonly minSize: number;
  readonly maxSize: number;
  /** Initial size; later changes made outside Terraform (autoscaling, off-hours scale-to-zero) are kept. */
  readonly desiredSize: number;
  /** Root volume size. @default 50 GiB */
  readonly diskSizeGiB?: number;
  /**
   * Key that encrypts the root volumes; it must let the Auto Scaling service-linked role use it
   * (see EksCluster's node volume key).
   * @default - the account's AWS-managed EBS key (aws/ebs)
   */
  readonly volumeKey?: KmsKey;
  /**
   * Hop limit of IMDSv2 responses.
   * @default 1 - pods (one network hop further than the node) cannot reach the instance metadata
   * service, so they cannot take the node role's credentials; add-ons get their own through Pod
   * Identity. 2 lets pods reach IMDS, which only software that insists on it needs.
   */
  readonly metadataHopLimit?: 1 | 2;
  /** Kubernetes labels of the nodes. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints of the nodes. @default - none: any pod may schedule here */
  readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE" }[];
  /** Created before the node group (e.g. the VPC CNI add-on, without which nodes never become Ready). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * An EKS managed node group on its own launch template: IMDSv2 required with a hop limit of 1,
 * an encrypted gp3 root volume, no SSH key (Session Manager instead), nodes in private subnets
 * only. The group is replaced before it is destroyed (name prefix + create_before_destroy), and
 * the desired size is left to autoscaling and schedules after creation.
 */
export class EksNodeGroup extends ModuleConstruct {
  readonly role: IamRole;
  readonly launchTemplate: LaunchTemplate;
  readonly nodeGroup: EksNodeGroupResource;

  constructor(scope: Construct, id: string, props: EksNodeGroupProps) {
    super(scope, id);
    const { naming } = this;
    if (props.minSize > props.maxSize || props.desiredSize < props.minSize || props.desiredSize > props.maxSize) {
      throw new Error(`${this.node.path}: sizes must satisfy minSize <= desiredSize <= maxSize (got ${props.minSize}/${props.desiredSize}/${props.maxSize})`);
    }

    this.role = new IamRole(this, "role", {
      name: naming.name(`${props.name}-node`),
      description: `EC2 role of the ${props.name} nodes of ${props.clusterName}`,
      assumeRolePolicy: EC2_TRUST_POLICY,
    });
    const attachments = NODE_ROLE_MANAGED_POLICIES.map(
      (policyArn, i) => new IamRolePolicyAttachment(this, `policy-${i}`, { role: this.role.name, policyArn }),
    );

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: naming.name(props.name),
      description: `Nodes of ${props.clusterName}: IMDSv2 only, encrypted gp3 root volume`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: props.metadataHopLimit ?? 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          // The root device of the AL2023 EKS AMIs.
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: props.diskSizeGiB ?? 50,
            encrypted: "true",
            kmsKeyId: props.volumeKey?.arn,
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: naming.name(props.name) } },
        { resourceType: "volume", tags: { Name: naming.name(props.name) } },
      ],
    });

    this.nodeGroup = new EksNodeGroupResource(this, "group", {
      clusterName: props.clusterName,
      // EKS caps node group names at 63 characters and Terraform appends a 26-character suffix.
      nodeGroupNamePrefix: `${naming.name(props.name, 36)}-`,
      nodeRoleArn: this.role.arn,
      subnetIds: [...props.subnetIds],
      amiType: props.amiType ?? "AL2023_x86_64_STANDARD",
      capacityType: props.capacityType ?? "ON_DEMAND",
      instanceTypes: [...props.instanceTypes],
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize: props.desiredSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      labels: props.labels ? { ...props.labels } : undefined,
      taint: props.taints?.map((t) => ({ ...t })),
      dependsOn: [...attachments, ...(props.dependsOn ?? [])],
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ["scaling_config[0].desired_size"] },
    });
  }

  /** Name of the node group (for schedules that scale it). */
  get nodeGroupName(): string {
    return this.nodeGroup.nodeGroupName;
  }

  get roleName(): string {
    return this.role.name;
  }
}
