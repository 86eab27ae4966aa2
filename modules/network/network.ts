import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Connections, Peer, Port } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import { KmsKey } from "../security/kms-key";
import { policyDocument, serviceTrustPolicy } from "../security/policy-document";
import { natGatewayMetric, type NatGatewayMetrics } from "../observability/metric";
import type { InterfaceEndpointService } from "./interface-endpoints";
import type { SubnetPlacement } from "./placement";
import { SUBNET_TIERS, planSubnets, type SubnetPrefixLength, type SubnetTier } from "./subnet-plan";

export interface NetworkProps {
  /** The VPC's IPv4 block. */
  readonly cidr: string;
  /** AZs to put one subnet of each tier in, at least two. */
  readonly availabilityZones: readonly string[];
  /**
   * NAT gateways for the private subnets.
   * @default "per-az" - one NAT gateway (and Elastic IP) per AZ, so losing an AZ never cuts another
   * AZ's egress; about USD 33/month each plus data. "single" runs one for all AZs.
   */
  readonly natGateways?: "per-az" | "single";
  /**
   * Prefix length of each subnet per tier.
   * @default - public /24, private /20, data /24
   */
  readonly subnetPrefixLength?: SubnetPrefixLength;
  /**
   * AZ slots reserved per tier so adding an AZ later does not move existing subnets.
   * @default 4
   */
  readonly azSlots?: number;
  /**
   * VPC flow logs (all traffic) to a KMS-encrypted CloudWatch log group.
   * @default true - turning them off leaves no record of rejected or accepted connections
   */
  readonly enableFlowLogs?: boolean;
  /**
   * Retention of the flow-log group in days (a CloudWatch Logs retention value).
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Key that encrypts the flow-log group; it is granted to CloudWatch Logs for this log group.
   * @default - a key created for the purpose
   */
  readonly flowLogKey?: KmsKey;
  /**
   * Interface endpoints in the private subnets, with private DNS, reachable on 443 from the VPC only.
   * @default [] - none; traffic to those services leaves through NAT. Each costs about USD 8/month per AZ.
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /** Extra tags per tier, e.g. the Karpenter discovery tag on private subnets. @default - none */
  readonly subnetTags?: Partial<Record<SubnetTier, Record<string, string>>>;
}

/** One subnet as other modules see it. */
export interface NetworkSubnet {
  readonly id: string;
  readonly az: string;
  readonly cidr: string;
}

/**
 * A VPC laid out in three tiers over every configured AZ:
 * - public: ALBs and NAT gateways, routed to the internet gateway;
 * - private: workloads, routed out through NAT;
 * - data: databases, caches, DMS; no route to the internet at all.
 *
 * Secure by default: the default security group is taken over with no rules, no subnet assigns
 * public IPs on launch (load balancers and NAT gateways get their own addresses), flow logs are on,
 * and S3 is reached through a gateway endpoint. Resources are named `{project}-{stack}-...`, in the
 * stack's account and region.
 */
export class Network extends ModuleConstruct {
  readonly vpc: Vpc;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly subnets: Readonly<Record<SubnetTier, readonly NetworkSubnet[]>>;
  /** Route table of the public tier (shared by its subnets). */
  readonly publicRouteTable: RouteTable;
  /** One route table per AZ for the private tier. */
  readonly privateRouteTables: readonly RouteTable[];
  /** Route table of the data tier; peering routes to other VPCs' data tiers go here. */
  readonly dataRouteTable: RouteTable;
  readonly natGateways: readonly NatGateway[];
  readonly flowLogGroup?: CloudwatchLogGroup;
  /** Security group of the interface endpoints, when any were asked for. */
  readonly endpointSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming, region } = this;
    const natMode = props.natGateways ?? "per-az";
    const plan = planSubnets({
      cidr: props.cidr,
      availabilityZones: props.availabilityZones,
      subnetPrefixLength: props.subnetPrefixLength ?? { public: 24, private: 20, data: 24 },
      azSlots: props.azSlots ?? 4,
    });
    if (typeof plan === "string") throw new Error(`${this.node.path}: ${plan}`);
    this.cidr = props.cidr;
    this.availabilityZones = props.availabilityZones;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: naming.name("vpc") },
    });

    // Taking over the default security group with no rules: anything attached to it by accident
    // can neither send nor receive.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: naming.name("default-do-not-use") },
    });

    const subnets = {} as Record<SubnetTier, NetworkSubnet[]>;
    for (const tier of SUBNET_TIERS) {
      subnets[tier] = plan[tier].map(({ az, cidr }) => {
        const suffix = az.slice(-1);
        const subnet = new Subnet(this, `${tier}-${suffix}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: cidr,
          mapPublicIpOnLaunch: false,
          tags: {
            Name: naming.name(`${tier}-${suffix}`),
            Tier: tier,
            ...TIER_TAGS[tier],
            ...(props.subnetTags?.[tier] ?? {}),
          },
        });
        return { id: subnet.id, az, cidr };
      });
    }
    this.subnets = subnets;

    const igw = new InternetGateway(this, "igw", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("igw") },
    });

    this.publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("public"), Tier: "public" },
    });
    new Route(this, "public-default", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    subnets.public.forEach((s) => this.associate(`public-${s.az.slice(-1)}`, s.id, this.publicRouteTable.id));

    const natAzs = natMode === "per-az" ? subnets.public : subnets.public.slice(0, 1);
    this.natGateways = natAzs.map((s) => {
      const suffix = s.az.slice(-1);
      const eip = new Eip(this, `nat-eip-${suffix}`, {
        domain: "vpc",
        tags: { Name: naming.name(`nat-${suffix}`) },
        dependsOn: [igw],
      });
      return new NatGateway(this, `nat-${suffix}`, {
        allocationId: eip.allocationId,
        subnetId: s.id,
        tags: { Name: naming.name(`nat-${suffix}`) },
        dependsOn: [igw],
      });
    });

    this.privateRouteTables = subnets.private.map((s, i) => {
      const suffix = s.az.slice(-1);
      const rt = new RouteTable(this, `private-rt-${suffix}`, {
        vpcId: this.vpc.id,
        tags: { Name: naming.name(`private-${suffix}`), Tier: "private" },
      });
      const nat = this.natGateways[natMode === "per-az" ? i : 0]!;
      new Route(this, `private-default-${suffix}`, {
        routeTableId: rt.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      });
      this.associate(`private-${suffix}`, s.id, rt.id);
      return rt;
    });

    this.dataRouteTable = new RouteTable(this, "data-rt", {
      vpcId: this.vpc.id,
      tags: { Name: naming.name("data"), Tier: "data" },
    });
    subnets.data.forEach((s) => this.associate(`data-${s.az.slice(-1)}`, s.id, this.dataRouteTable.id));

    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...this.privateRouteTables.map((rt) => rt.id), this.dataRouteTable.id],
      tags: { Name: naming.name("s3") },
    });

    const endpoints = props.interfaceEndpoints ?? [];
    if (endpoints.length > 0) {
      this.endpointSecurityGroup = new SecurityGroup(this, "endpoints-sg", {
        name: naming.name("vpc-endpoints"),
        description: "Interface VPC endpoints: HTTPS from inside the VPC only",
        vpcId: this.vpc.id,
        tags: { Name: naming.name("vpc-endpoints") },
      });
      const endpointConnections = new Connections({ securityGroup: this.endpointSecurityGroup, defaultPort: Port.tcp(443) });
      const inVpc = Peer.ipv4(props.cidr);
      endpointConnections.allowDefaultPortFrom(inVpc, { ingress: { id: "endpoints-https-in", description: "HTTPS from the VPC" } });
      endpointConnections.allowDefaultPortTo(inVpc, { egress: { id: "endpoints-https-out", description: "Endpoint responses within the VPC" } });
      for (const service of endpoints) {
        new VpcEndpoint(this, `endpoint-${service.replace(/\./g, "-")}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: subnets.private.map((s) => s.id),
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: { Name: naming.name(service.replace(/\./g, "-")) },
        });
      }
    }

    if (props.enableFlowLogs ?? true) {
      this.flowLogGroup = this.flowLogs(props);
    }
  }

  /** Subnet ids of a tier, in AZ order. */
  subnetIds(tier: SubnetTier): string[] {
    return this.subnets[tier].map((s) => s.id);
  }

  /** The VPC and the subnets of a tier, for a module placed there. */
  placement(tier: SubnetTier): SubnetPlacement {
    return { vpcId: this.vpc.id, subnetIds: this.subnetIds(tier) };
  }

  /** The NAT gateways as the alarms and the dashboard read them, each named by the letter of its AZ. */
  natGatewayMetrics(): NatGatewayMetrics[] {
    return this.natGateways.map((nat, i) => ({
      name: this.subnets.public[i]!.az.slice(-1),
      metric: (name) => natGatewayMetric(nat.id, name),
    }));
  }

  private associate(id: string, subnetId: string, routeTableId: string): void {
    new RouteTableAssociation(this, `${id}-assoc`, { subnetId, routeTableId });
  }

  private flowLogs(props: NetworkProps): CloudwatchLogGroup {
    const { naming, account: accountId } = this;
    const groupName = `/${naming.project}/${naming.stack}/vpc-flow-logs`;
    const key =
      props.flowLogKey ??
      new KmsKey(this, "flow-log-key", {
        alias: naming.name("vpc-flow-logs"),
        description: `Encrypts the VPC flow logs of ${naming.workspace}`,
      });
    const groupArn = key.allowLogGroup("CloudWatchLogsFlowLogs", groupName);
    const group = new CloudwatchLogGroup(this, "flow-log-group", {
      name: groupName,
      retentionInDays: props.flowLogRetentionDays ?? 365,
      kmsKeyId: key.arn,
    });
    const role = new IamRole(this, "flow-log-role", {
      name: naming.name("vpc-flow-logs"),
      description: "Lets VPC Flow Logs write to its log group",
      assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", accountId),
    });
    new IamRolePolicy(this, "flow-log-policy", {
      role: role.id,
      name: "write-flow-logs",
      policy: policyDocument([
        {
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${groupArn}:*`],
        },
      ]),
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: naming.name("vpc-flow-logs") },
    });
    return group;
  }
}

/** Tags the AWS Load Balancer Controller uses to find subnets for internet-facing / internal LBs. */
const TIER_TAGS: Record<SubnetTier, Record<string, string>> = {
  public: { "kubernetes.io/role/elb": "1" },
  private: { "kubernetes.io/role/internal-elb": "1" },
  data: {},
};
