import { Token } from "cdktf";
import type { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Connections, Peer, Port, type IConnectable } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import type { SubnetPlacement } from "../network/placement";
import { policyDocument } from "./policy-document";

/** Public SSM parameter holding the latest Amazon Linux 2023 x86_64 AMI id. */
export const AL2023_X86_64_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

export interface BastionProps {
  /** Private subnets to run in (no public IP; the Auto Scaling group picks one), and their VPC. */
  readonly placement: SubnetPlacement;
  /**
   * The VPC's block: HTTPS egress goes only there, to the Session Manager interface endpoints
   * (ssm, ssmmessages, ec2messages), which must exist.
   */
  readonly vpcCidr: string;
  /** x86_64 instance type. @default "t3.micro" */
  readonly instanceType?: string;
  /**
   * SSM parameter of the AMI, resolved by EC2 at every launch (`resolve:ssm:`), so a replaced
   * instance always boots the latest image and the plan never changes when a new AMI appears.
   * @default {@link AL2023_X86_64_AMI_PARAMETER}
   */
  readonly amiParameter?: string;
  /** Root volume size in GiB (at least the AMI's 8). @default 8 */
  readonly rootVolumeGiB?: number;
  /**
   * Key of the encrypted root volume.
   * @default - the account's EBS default key (aws/ebs); a customer key must grant the Auto Scaling
   * service-linked role, which a fresh account may not have yet
   */
  readonly rootVolumeKmsKeyArn?: string;
  /**
   * Days after which the instance is replaced (with the then-latest AMI).
   * @default 7 - weekly fresh, patched instance; 1-365
   */
  readonly maxInstanceLifetimeDays?: number;
}

/**
 * A bastion reached only through AWS Systems Manager Session Manager: one instance kept alive by
 * an Auto Scaling group in a private subnet, no key pair, no inbound rule at all, IMDSv2 only, an
 * encrypted root volume, and an instance profile with `AmazonSSMManagedInstanceCore` only. Its
 * egress is HTTPS to the VPC (the SSM endpoints, rule `egress-endpoints`) plus the links written
 * through {@link connections} (`db.connections.allowDefaultPortFrom(bastion, ...)` writes both sides).
 *
 * Operators forward a port through it (`aws ssm start-session --document-name
 * AWS-StartPortForwardingSessionToRemoteHost`), so nothing needs to be installed on it.
 */
export class Bastion extends ModuleConstruct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  readonly role: IamRole;
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    // The instance, group, role and launch template are `{project}-{stack}-bastion`.
    const name = this.naming.name("bastion");
    const lifetimeDays = props.maxInstanceLifetimeDays ?? 7;
    if (lifetimeDays < 1 || lifetimeDays > 365) {
      throw new Error(`${this.node.path}: maxInstanceLifetimeDays must be 1-365, got ${lifetimeDays}`);
    }

    this.securityGroup = new SecurityGroup(this, "sg", {
      name,
      description: "SSM-only bastion: no ingress; egress to the VPC endpoints and granted databases",
      vpcId: props.placement.vpcId,
      tags: { Name: name },
    });
    this.connections = new Connections({ securityGroup: this.securityGroup });
    this.connections.allowTo(Peer.ipv4(props.vpcCidr), Port.tcp(443), {
      egress: { id: "egress-endpoints", description: "HTTPS to the Session Manager interface endpoints in the VPC" },
    });

    this.role = new IamRole(this, "role", {
      name,
      description: "Bastion instance: Session Manager only",
      // Plain trust: an instance role is handed to EC2 with iam:PassRole, which already keeps it in
      // this account; EC2 does not promise source-account context on the AssumeRole call.
      assumeRolePolicy: policyDocument([
        { principals: { type: "Service", identifiers: ["ec2.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
      ]),
    });
    new IamRolePolicyAttachment(this, "ssm-core", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    });
    const profile = new IamInstanceProfile(this, "profile", { name, role: this.role.name });

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      description: "SSM-only bastion",
      imageId: `resolve:ssm:${props.amiParameter ?? AL2023_X86_64_AMI_PARAMETER}`,
      instanceType: props.instanceType ?? "t3.micro",
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeGiB ?? 8,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: props.rootVolumeKmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      updateDefaultVersion: true,
      tagSpecifications: [{ resourceType: "instance", tags: { Name: name } }],
    });

    this.autoScalingGroup = new AutoscalingGroup(this, "asg", {
      name,
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifier: [...props.placement.subnetIds],
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      healthCheckType: "EC2",
      maxInstanceLifetime: lifetimeDays * 24 * 60 * 60,
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0 } },
    });
  }

  get securityGroupId(): string {
    return this.securityGroup.id;
  }
}
