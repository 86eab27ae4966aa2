import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Network } from "../../../modules/network/network";
import { check, expectCase, type RuleCase } from "../helpers";

const network = (stack: TerraformStack, extra: { enableFlowLogs?: boolean; interfaceEndpoints?: ["sts"] } = {}) =>
  new Network(stack, "network", { cidr: "10.0.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b"], ...extra });

const sg = (stack: TerraformStack, id = "sg", description = "Web tier") =>
  new SecurityGroup(stack, id, { name: id, description, vpcId: "vpc-1" });

describe("SG-NO-WORLD-INGRESS", () => {
  it.each<RuleCase>([
    {
      name: "a standalone rule opening SSH to 0.0.0.0/0",
      build: (s) => new VpcSecurityGroupIngressRule(s, "ssh", { securityGroupId: sg(s).id, description: "ssh", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
      address: "aws_vpc_security_group_ingress_rule.ssh",
      status: "non_compliant",
      message: /tcp 22-22 to 0\.0\.0\.0\/0/,
    },
    {
      name: "an inline rule opening all traffic to ::/0",
      build: (s) => new SecurityGroup(s, "open", { name: "open", description: "x", ingress: [{ description: "all", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }] }),
      address: "aws_security_group.open",
      status: "non_compliant",
      message: /ingress\[0\] opens all traffic/,
    },
    {
      name: "HTTPS from the world on a group no load balancer uses",
      build: (s) => new SecurityGroupRule(s, "https", { type: "ingress", securityGroupId: sg(s).id, description: "https", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }),
      address: "aws_security_group_rule.https",
      status: "non_compliant",
      message: /not used by a load balancer/,
    },
    {
      name: "HTTPS from the world on a load balancer's group",
      build: (s) => {
        const group = sg(s, "alb");
        new Lb(s, "lb", { name: "lb", securityGroups: [group.id], subnets: ["subnet-1", "subnet-2"] });
        new VpcSecurityGroupIngressRule(s, "https", { securityGroupId: group.id, description: "https", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
      },
      address: "aws_vpc_security_group_ingress_rule.https",
      status: "compliant",
    },
    {
      name: "a port range from the world on a load balancer's group",
      build: (s) => {
        const group = sg(s, "alb");
        new Lb(s, "lb", { name: "lb", securityGroups: [group.id], subnets: ["subnet-1", "subnet-2"] });
        new VpcSecurityGroupIngressRule(s, "range", { securityGroupId: group.id, description: "range", ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "0.0.0.0/0" });
      },
      address: "aws_vpc_security_group_ingress_rule.range",
      status: "non_compliant",
      message: /only TCP 80 or 443/,
    },
    {
      name: "HTTPS from inside the VPC (the Network module's endpoint group)",
      build: (s) => network(s, { interfaceEndpoints: ["sts"] }),
      address: "aws_vpc_security_group_ingress_rule.network_endpoints-https-in_ED2C8F6F",
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("SG-NO-WORLD-INGRESS", c));
});

describe("SG-DESCRIPTION", () => {
  it.each<RuleCase>([
    { name: "a group without description (provider default)", build: (s) => new SecurityGroup(s, "sg", { name: "sg", vpcId: "vpc-1" }), address: "aws_security_group.sg", status: "non_compliant", message: /not set/ },
    { name: "a group with the provider's default text", build: (s) => sg(s, "sg", "Managed by Terraform"), address: "aws_security_group.sg", status: "non_compliant", message: /provider default/ },
    {
      name: "an inline rule without description",
      build: (s) => new SecurityGroup(s, "sg", { description: "x", egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }] }),
      address: "aws_security_group.sg",
      status: "non_compliant",
      message: /egress\[0\] has no description/,
    },
    {
      name: "a standalone rule without description",
      build: (s) => new VpcSecurityGroupIngressRule(s, "rule", { securityGroupId: sg(s).id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" }),
      address: "aws_vpc_security_group_ingress_rule.rule",
      status: "non_compliant",
    },
    { name: "a described group", build: (s) => sg(s), address: "aws_security_group.sg", status: "compliant" },
    { name: "the Network module's endpoint group", build: (s) => network(s, { interfaceEndpoints: ["sts"] }), address: "aws_security_group.network_endpoints-sg_F086E3CF", status: "compliant" },
  ])("$name: $status", (c) => expectCase("SG-DESCRIPTION", c));
});

describe("VPC-FLOW-LOGS", () => {
  it.each<RuleCase>([
    { name: "the Network module (flow logs on by default)", build: (s) => network(s), address: "aws_vpc.network_vpc_4E8F0223", status: "compliant" },
    { name: "the Network module with flow logs off (missing partner)", build: (s) => network(s, { enableFlowLogs: false }), address: "aws_vpc.network_vpc_4E8F0223", status: "non_compliant", message: /no aws_flow_log/ },
    {
      name: "a flow log of rejected traffic only",
      build: (s) => {
        const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
        new FlowLog(s, "log", { vpcId: vpc.id, trafficType: "REJECT", logDestination: "arn:aws:s3:::logs", logDestinationType: "s3" });
      },
      address: "aws_vpc.vpc",
      status: "non_compliant",
      message: /do not log ALL/,
    },
  ])("$name: $status", (c) => expectCase("VPC-FLOW-LOGS", c));
});

describe("VPC-DEFAULT-SG-CLOSED", () => {
  it.each<RuleCase>([
    { name: "the Network module (default group taken over, empty)", build: (s) => network(s), address: "aws_vpc.network_vpc_4E8F0223", status: "compliant" },
    { name: "a VPC whose default group is left to AWS (missing partner)", build: (s) => new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" }), address: "aws_vpc.vpc", status: "non_compliant", message: /no aws_default_security_group/ },
    {
      name: "a default group with an inline rule",
      build: (s) => {
        const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
        new DefaultSecurityGroup(s, "default", { vpcId: vpc.id, egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] });
      },
      address: "aws_vpc.vpc",
      status: "non_compliant",
      message: /1 egress rule/,
    },
    {
      name: "a standalone rule added to the default group",
      build: (s) => {
        const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
        new DefaultSecurityGroup(s, "default", { vpcId: vpc.id, ingress: [], egress: [] });
        new VpcSecurityGroupIngressRule(s, "in", { securityGroupId: vpc.defaultSecurityGroupId, description: "x", ipProtocol: "-1", cidrIpv4: "10.0.0.0/8" });
      },
      address: "aws_vpc.vpc",
      status: "non_compliant",
      message: /adds a rule to the default group/,
    },
  ])("$name: $status", (c) => expectCase("VPC-DEFAULT-SG-CLOSED", c));
});

describe("SUBNET-NO-PUBLIC-IP", () => {
  const publicSubnet = (s: TerraformStack, mapPublicIpOnLaunch: boolean) => {
    const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
    const subnet = new Subnet(s, "subnet", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch });
    const igw = new InternetGateway(s, "igw", { vpcId: vpc.id });
    const rt = new RouteTable(s, "rt", { vpcId: vpc.id });
    new Route(s, "default", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    new RouteTableAssociation(s, "assoc", { subnetId: subnet.id, routeTableId: rt.id });
  };
  it.each<RuleCase>([
    { name: "every subnet of the Network module", build: (s) => network(s), address: "aws_subnet.network_data-a_72A8327B", status: "compliant" },
    { name: "attribute absent (provider default false)", build: (s) => new Subnet(s, "subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" }), address: "aws_subnet.subnet", status: "compliant" },
    { name: "public IPs on a subnet with no internet route", build: (s) => new Subnet(s, "subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }), address: "aws_subnet.subnet", status: "non_compliant" },
    { name: "public IPs on a public subnet", build: (s) => publicSubnet(s, true), address: "aws_subnet.subnet", status: "compliant" },
    {
      name: "an expression instead of a literal",
      build: (s) => new Subnet(s, "subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: "${var.public}" as unknown as boolean }),
      address: "aws_subnet.subnet",
      status: "non_compliant",
      message: /known only at apply time/,
    },
  ])("$name: $status", (c) => expectCase("SUBNET-NO-PUBLIC-IP", c));

  it("checks every subnet of a stack", () => {
    const results = check("SUBNET-NO-PUBLIC-IP", (s) => network(s));
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.status === "compliant")).toBe(true);
  });
});
