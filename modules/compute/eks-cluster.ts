import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ModuleConstruct } from "../core/environment";
import type { SubnetPlacement } from "../network/placement";
import { Connections, Port, type IConnectable } from "../core/connections";
import { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";
import { EksNodeGroup } from "./eks-node-group";

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Access policy that makes a principal cluster-admin. */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
/** EKS access policy that reads every Kubernetes object, Secrets included, and changes nothing. */
export const ADMIN_VIEW_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";

/** Versions of the EKS-managed add-ons the cluster installs. */
export interface EksAddonVersions {
  readonly vpcCni: string;
  readonly coredns: string;
  readonly kubeProxy: string;
  readonly podIdentityAgent: string;
}

/** The managed node group for cluster-critical pods. */
export interface EksSystemNodeGroupOptions {
  readonly instanceTypes: readonly string[];
  /** @default "AL2023_x86_64_STANDARD" */
  readonly amiType?: "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD";
  /** @default "ON_DEMAND" */
  readonly capacityType?: "ON_DEMAND" | "SPOT";
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  /** @default 50 */
  readonly diskSizeGiB?: number;
}

export interface EksClusterProps {
  /** Cluster name (also the value of the `karpenter.sh/discovery` tags). */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. "1.33". */
  readonly version: string;
  /** Private subnets: control-plane ENIs and nodes. */
  readonly placement: SubnetPlacement;
  /**
   * Networks that may reach a public API endpoint.
   * @default [] - no public endpoint: the API is reachable from inside the VPC only (and from
   * peers linked through {@link EksCluster.apiConnections}). Listing networks turns the public
   * endpoint on for those networks only; 0.0.0.0/0 is refused.
   */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * IAM roles or users that become cluster-admin through access entries. Authentication mode is
   * API only (no aws-auth ConfigMap) and the creator gets no implicit access, so this is the whole
   * list of administrators.
   */
  readonly adminPrincipalArns: readonly string[];
  /**
   * IAM principals that may read every Kubernetes object, Secrets included, but change nothing
   * (AmazonEKSAdminViewPolicy): the read-only role Terraform Cloud plans of the add-ons run as,
   * since Helm keeps its releases in Secrets.
   * @default none
   */
  readonly viewPrincipalArns?: readonly string[];
  readonly systemNodeGroup: EksSystemNodeGroupOptions;
  readonly addonVersions: EksAddonVersions;
  /**
   * Retention of the control-plane log group.
   * @default 90 days
   */
  readonly logRetentionDays?: number;
  /**
   * Control-plane log types sent to CloudWatch Logs.
   * @default all five (api, audit, authenticator, controllerManager, scheduler); audit logs are
   * the record of who did what in the cluster, and CloudWatch ingestion is their cost
   */
  readonly logTypes?: readonly (typeof EKS_LOG_TYPES)[number][];
  /**
   * What happens when the Kubernetes version leaves standard support.
   * @default "STANDARD" - EKS upgrades the control plane automatically at the end of standard
   * support. "EXTENDED" keeps the version for up to 12 more months at six times the hourly price.
   */
  readonly supportType?: "STANDARD" | "EXTENDED";
  /**
   * IMDSv2 hop limit of the system nodes.
   * @default 1 - pods cannot reach instance metadata (see EksNodeGroupProps.metadataHopLimit)
   */
  readonly metadataHopLimit?: 1 | 2;
}

/**
 * An EKS cluster ready for the add-ons stack:
 * - the API endpoint is private unless networks are listed for a public one;
 * - Kubernetes secrets are envelope-encrypted with a customer key (rotated yearly);
 * - all control-plane log types go to a log group created first (retention + KMS), so EKS never
 *   creates an unencrypted one that keeps logs forever;
 * - authentication mode API: administrators are access entries; no aws-auth ConfigMap;
 * - the Pod Identity agent, VPC CNI, kube-proxy and CoreDNS are EKS-managed add-ons at pinned versions;
 * - a managed system node group (IMDSv2 with hop limit 1, encrypted gp3, private subnets) on its
 *   own node security group, which is tagged for Karpenter and is the group others grant access to
 *   ({@link connections}: nodes and pods, which send anything anywhere; {@link apiConnections}: the
 *   private Kubernetes API on 443).
 */
export class EksCluster extends ModuleConstruct implements IConnectable {
  readonly cluster: EksClusterResource;
  readonly clusterName: string;
  /** Encrypts Kubernetes secrets and the cluster's log groups. */
  readonly key: KmsKey;
  /** Encrypts node root volumes (managed group and Karpenter's EC2NodeClass). */
  readonly nodeVolumeKey: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  /** Extra security group of the control-plane ENIs. */
  readonly clusterSecurityGroup: SecurityGroup;
  /** Security group of every node; pods share it (VPC CNI). */
  readonly nodeSecurityGroup: SecurityGroup;
  /** Nodes and pods (ip targets land on the node ENIs): what a database or the load balancer links to. */
  readonly connections: Connections;
  /** The control plane's group: the private Kubernetes API on 443 (a bastion, a CI runner). */
  readonly apiConnections: Connections;
  readonly systemNodeGroup: EksNodeGroup;
  readonly addons: Readonly<Record<"podIdentityAgent" | "vpcCni" | "kubeProxy" | "coredns", EksAddon>>;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const { naming, account: accountId, region } = this;
    const { clusterName } = props;
    const publicCidrs = props.publicAccessCidrs ?? [];
    if (publicCidrs.some((c) => c.endsWith("/0"))) {
      throw new Error(`${this.node.path}: a /0 public access CIDR opens the Kubernetes API to the internet; list specific networks`);
    }
    if (props.adminPrincipalArns.length === 0) {
      throw new Error(`${this.node.path}: adminPrincipalArns is empty; with authentication mode API nobody could administer the cluster`);
    }
    const both = (props.viewPrincipalArns ?? []).filter((arn) => props.adminPrincipalArns.includes(arn));
    if (both.length > 0) {
      throw new Error(`${this.node.path}: ${both.join(", ")} is in both adminPrincipalArns and viewPrincipalArns; a principal has one access entry, list it once`);
    }
    this.clusterName = clusterName;

    this.key = new KmsKey(this, "key", {
      alias: naming.name("eks"),
      description: `Encrypts the Kubernetes secrets and logs of ${clusterName}`,
    });
    const logGroupName = `/aws/eks/${clusterName}/cluster`;
    this.key.allowLogGroup("CloudWatchLogsControlPlane", logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: this.key.arn,
    });

    this.nodeVolumeKey = new KmsKey(this, "node-volume-key", {
      alias: naming.name("eks-node-volumes"),
      description: `Encrypts the node volumes of ${clusterName}`,
    });
    // Instances are launched by the Auto Scaling service-linked role (managed node groups) and by
    // Karpenter: any principal of the account may use the key, but only through EC2 (the same
    // policy as the aws/ebs key, on a key this account controls).
    const throughEc2 = { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `ec2.${region}.amazonaws.com` } };
    this.nodeVolumeKey.addToPolicy({
      sid: "AccountPrincipalsThroughEc2",
      principals: { type: "AWS", identifiers: ["*"] },
      actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      resources: ["*"],
      conditions: throughEc2,
    });
    this.nodeVolumeKey.addToPolicy({
      sid: "AccountPrincipalsGrantToEc2",
      principals: { type: "AWS", identifiers: ["*"] },
      actions: ["kms:CreateGrant"],
      resources: ["*"],
      conditions: { ...throughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
    });

    const role = new IamRole(this, "cluster-role", {
      name: naming.name("eks-cluster"),
      description: `Control plane role of ${clusterName}`,
      assumeRolePolicy: policyDocument([
        { principals: { type: "Service", identifiers: ["eks.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
      ]),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, "cluster-policy", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    });
    const keyPolicy = new IamRolePolicy(this, "cluster-key-policy", {
      role: role.id,
      name: "secrets-encryption",
      policy: policyDocument([
        { actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], resources: [this.key.arn] },
      ]),
    });

    this.clusterSecurityGroup = new SecurityGroup(this, "cluster-sg", {
      name: naming.name("eks-cluster"),
      description: `EKS control plane of ${clusterName}: API from nodes and granted peers`,
      vpcId: props.placement.vpcId,
      tags: { Name: naming.name("eks-cluster") },
    });
    this.nodeSecurityGroup = new SecurityGroup(this, "node-sg", {
      name: naming.name("eks-nodes"),
      description: `Nodes and pods of ${clusterName}`,
      vpcId: props.placement.vpcId,
      tags: { Name: naming.name("eks-nodes"), "karpenter.sh/discovery": clusterName },
    });
    this.connections = new Connections({
      securityGroup: this.nodeSecurityGroup,
      allowAllOutbound: { id: "nodes-out", description: "Nodes and pods to AWS APIs, ECR and the internet (through NAT) and to the VPC" },
    });
    this.apiConnections = new Connections({ securityGroup: this.clusterSecurityGroup, defaultPort: Port.tcp(443) });
    this.apiConnections.allowDefaultPortFrom(this, { ingress: { id: "api-from-nodes", description: "Kubernetes API from the nodes" } });
    this.apiConnections.allowTo(this, Port.tcpRange(1025, 65535), {
      egress: { id: "control-plane-to-nodes", description: "Control plane to kubelets (10250) and webhooks on the nodes" },
      ingress: { id: "nodes-from-control-plane", description: "Control plane to kubelets (10250) and webhooks" },
    });
    this.apiConnections.allowTo(this, Port.tcp(443), {
      egress: { id: "control-plane-to-webhooks-443", description: "Control plane to webhooks served on 443" },
      ingress: { id: "nodes-from-control-plane-443", description: "Control plane to webhooks served on 443" },
    });
    this.connections.allowInternally(Port.allTraffic(), {
      ingress: { id: "nodes-from-nodes", description: "Node to node and pod to pod, all protocols (DNS, service traffic)" },
    });
    const clusterSg = this.clusterSecurityGroup.id;
    const nodeSg = this.nodeSecurityGroup.id;

    this.cluster = new EksClusterResource(this, "cluster", {
      name: clusterName,
      version: props.version,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: [...props.placement.subnetIds],
        securityGroupIds: [clusterSg],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? [...publicCidrs] : undefined,
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.key.arn } },
      enabledClusterLogTypes: [...(props.logTypes ?? EKS_LOG_TYPES)],
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // The add-ons below are EKS-managed; no self-managed copies to adopt or conflict with.
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: props.supportType ?? "STANDARD" },
      dependsOn: [this.logGroup, clusterPolicy, keyPolicy],
    });

    props.adminPrincipalArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, {
        clusterName: this.cluster.name,
        principalArn,
        type: "STANDARD",
      });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: CLUSTER_ADMIN_POLICY_ARN,
        accessScope: { type: "cluster" },
      });
    });

    (props.viewPrincipalArns ?? []).forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `viewer-${i}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD" });
      new EksAccessPolicyAssociation(this, `viewer-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: ADMIN_VIEW_POLICY_ARN,
        accessScope: { type: "cluster" },
      });
    });

    // Node-level add-ons go in before the nodes (without the CNI they never become Ready);
    // CoreDNS is a Deployment and only becomes healthy once there are nodes to run it.
    const addon = (addonId: string, name: string, version: string, dependsOn?: ITerraformDependable[]) =>
      new EksAddon(this, addonId, {
        clusterName: this.cluster.name,
        addonName: name,
        addonVersion: version,
        // Terraform is the source of truth for the add-ons' configuration.
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        dependsOn,
      });
    const podIdentityAgent = addon("addon-pod-identity-agent", "eks-pod-identity-agent", props.addonVersions.podIdentityAgent);
    const vpcCni = addon("addon-vpc-cni", "vpc-cni", props.addonVersions.vpcCni);
    const kubeProxy = addon("addon-kube-proxy", "kube-proxy", props.addonVersions.kubeProxy);

    const group = props.systemNodeGroup;
    this.systemNodeGroup = new EksNodeGroup(this, "system-nodes", {
      name: "system",
      clusterName: this.cluster.name,
      subnetIds: props.placement.subnetIds,
      securityGroupIds: [nodeSg],
      instanceTypes: group.instanceTypes,
      amiType: group.amiType,
      capacityType: group.capacityType,
      minSize: group.minSize,
      maxSize: group.maxSize,
      desiredSize: group.desiredSize,
      diskSizeGiB: group.diskSizeGiB,
      volumeKey: this.nodeVolumeKey,
      metadataHopLimit: props.metadataHopLimit,
      labels: { "nodegroup-role": "system" },
      dependsOn: [podIdentityAgent, vpcCni, kubeProxy],
    });
    const coredns = addon("addon-coredns", "coredns", props.addonVersions.coredns, [this.systemNodeGroup.nodeGroup]);
    this.addons = { podIdentityAgent, vpcCni, kubeProxy, coredns };
  }

  get clusterArn(): string {
    return this.cluster.arn;
  }

  /** API server endpoint (private unless public CIDRs were configured). */
  get endpoint(): string {
    return this.cluster.endpoint;
  }

  /** Base64 certificate authority data for kubeconfigs and the kubernetes/helm providers. */
  get certificateAuthorityData(): string {
    return this.cluster.certificateAuthority.get(0).data;
  }

  /** OIDC issuer URL (for IRSA-only tools; this platform's add-ons use Pod Identity). */
  get oidcIssuerUrl(): string {
    return this.cluster.identity.get(0).oidc.get(0).issuer;
  }

  get nodeSecurityGroupId(): string {
    return this.nodeSecurityGroup.id;
  }

  get systemNodeGroupName(): string {
    return this.systemNodeGroup.nodeGroupName;
  }

  /**
   * Lets instances with `roleArn` join the cluster as Linux nodes (Karpenter's node role; managed
   * node groups get their entry from EKS).
   */
  addNodeAccessEntry(id: string, roleArn: string): EksAccessEntry {
    return new EksAccessEntry(this, `node-entry-${id}`, {
      clusterName: this.cluster.name,
      principalArn: roleArn,
      type: "EC2_LINUX",
    });
  }
}
