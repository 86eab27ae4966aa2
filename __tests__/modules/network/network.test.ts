import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { Network, type NetworkProps } from "../../../modules/network/network";
import { Naming } from "../../../src/core/naming";
import { environmentStack } from "../../helpers/stack";
import { listOf, parseJsonAttribute, resourcesOf, synthJson } from "../../helpers/synth";

const AZS = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"];

function synthNetwork(props: Partial<NetworkProps> = {}, region = "ap-northeast-2") {
  const { stack } = environmentStack({ naming: new Naming("flashcrowd", "prod"), region });
  const network = new Network(stack, "network", {
    cidr: "10.0.0.0/16",
    availabilityZones: AZS,
    ...props,
  });
  return { json: synthJson(stack), network };
}

type Subnet = { availability_zone: string; cidr_block: string; map_public_ip_on_launch: boolean; tags: Record<string, string> };

function subnetsByTier(json: ReturnType<typeof synthNetwork>["json"]) {
  const subnets = listOf(json, "aws_subnet") as Subnet[];
  const tier = (t: string) => subnets.filter((s) => s.tags.Tier === t);
  return { public: tier("public"), private: tier("private"), data: tier("data"), all: subnets };
}

describe("Network defaults", () => {
  const { json } = synthNetwork();

  it("puts one public, one private and one data subnet in every AZ", () => {
    const tiers = subnetsByTier(json);
    for (const t of ["public", "private", "data"] as const) {
      expect(tiers[t].map((s) => s.availability_zone)).toEqual(AZS);
    }
  });

  it("lays out subnets in aligned, non-overlapping blocks of the configured sizes", () => {
    const tiers = subnetsByTier(json);
    expect(tiers.private.map((s) => s.cidr_block)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    expect(tiers.public.map((s) => s.cidr_block)).toEqual(["10.0.64.0/24", "10.0.65.0/24", "10.0.66.0/24"]);
    expect(tiers.data.map((s) => s.cidr_block)).toEqual(["10.0.68.0/24", "10.0.69.0/24", "10.0.70.0/24"]);
  });

  it("assigns no public IP on launch in any subnet", () => {
    expect(subnetsByTier(json).all.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it("runs a NAT gateway per AZ, each private route table using its own AZ's NAT", () => {
    const nats = resourcesOf(json, "aws_nat_gateway");
    expect(Object.keys(nats)).toHaveLength(3);
    const routes = listOf(json, "aws_route").filter((r) => r.nat_gateway_id);
    expect(new Set(routes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  it("gives the data tier no route to the internet", () => {
    const dataRt = Object.entries(resourcesOf(json, "aws_route_table")).find(([, rt]) => (rt.tags as Record<string, string>).Tier === "data")!;
    const routesOfData = listOf(json, "aws_route").filter((r) => String(r.route_table_id).includes(dataRt[0]));
    expect(routesOfData).toEqual([]);
  });

  it("takes over the default security group and leaves it without rules", () => {
    expect(listOf(json, "aws_default_security_group")).toEqual([expect.objectContaining({ ingress: [], egress: [] })]);
  });

  it("logs all traffic to a KMS-encrypted log group with retention", () => {
    expect(listOf(json, "aws_flow_log")).toEqual([
      expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs", max_aggregation_interval: 60 }),
    ]);
    const [group] = listOf(json, "aws_cloudwatch_log_group");
    expect(group).toEqual(expect.objectContaining({ name: "/flashcrowd/prod/vpc-flow-logs", retention_in_days: 365 }));
    expect(group!.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
  });

  it("lets CloudWatch Logs use the flow-log key only for this log group", () => {
    const [key] = listOf(json, "aws_kms_key");
    expect(key!.enable_key_rotation).toBe(true);
    const policy = parseJsonAttribute<{ Statement: { Sid: string; Principal: unknown; Condition?: unknown }[] }>(key!.policy);
    expect(policy.Statement.find((s) => s.Sid === "CloudWatchLogsFlowLogs")).toEqual(
      expect.objectContaining({
        Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:ap-northeast-2:123456789012:log-group:/flashcrowd/prod/vpc-flow-logs" } },
      }),
    );
  });

  it("reaches S3 through a gateway endpoint on the private and data route tables", () => {
    const [s3] = listOf(json, "aws_vpc_endpoint");
    expect(s3).toEqual(expect.objectContaining({ service_name: "com.amazonaws.ap-northeast-2.s3", vpc_endpoint_type: "Gateway" }));
    expect(s3!.route_table_ids).toHaveLength(4);
  });

  it("creates no interface endpoints unless asked", () => {
    expect(listOf(json, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface")).toEqual([]);
    expect(listOf(json, "aws_security_group")).toEqual([]);
  });

  it("tags subnets for the load balancer controller", () => {
    const tiers = subnetsByTier(json);
    expect(tiers.public.every((s) => s.tags["kubernetes.io/role/elb"] === "1")).toBe(true);
    expect(tiers.private.every((s) => s.tags["kubernetes.io/role/internal-elb"] === "1")).toBe(true);
  });
});

describe("Network options", () => {
  it("runs one NAT gateway for every AZ in single mode", () => {
    const { json } = synthNetwork({ natGateways: "single" });
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "aws_eip"))).toHaveLength(1);
    const natRoutes = listOf(json, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  it("names each NAT gateway's metrics by the letter of its AZ", () => {
    const perAz = synthNetwork().network.natGatewayMetrics();
    expect(perAz.map((n) => n.name)).toEqual(["a", "b", "c"]);
    expect(perAz[1]!.metric("PacketsDropCount")).toMatchObject({ namespace: "AWS/NATGateway", metricName: "PacketsDropCount", dimensions: { NatGatewayId: expect.any(String) } });
    expect(synthNetwork({ natGateways: "single" }).network.natGatewayMetrics().map((n) => n.name)).toEqual(["a"]);
  });

  it("keeps existing subnets where they are when an AZ is added", () => {
    const two = subnetsByTier(synthNetwork({ availabilityZones: AZS.slice(0, 2) }).json);
    const three = subnetsByTier(synthNetwork().json);
    for (const t of ["public", "private", "data"] as const) {
      expect(three[t].slice(0, 2).map((s) => s.cidr_block)).toEqual(two[t].map((s) => s.cidr_block));
    }
  });

  it("creates interface endpoints with private DNS, reachable on 443 from the VPC only", () => {
    const { json } = synthNetwork({ interfaceEndpoints: ["ssm", "ecr.api"] });
    const endpoints = listOf(json, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface");
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(["com.amazonaws.ap-northeast-2.ecr.api", "com.amazonaws.ap-northeast-2.ssm"]);
    expect(endpoints.every((e) => e.private_dns_enabled === true && (e.subnet_ids as unknown[]).length === 3)).toBe(true);
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ cidr_ipv4: "10.0.0.0/16", from_port: 443, to_port: 443, ip_protocol: "tcp", description: "HTTPS from the VPC" }),
    ]);
  });

  it("leaves flow logs out only when told to", () => {
    const { json } = synthNetwork({ enableFlowLogs: false });
    expect(listOf(json, "aws_flow_log")).toEqual([]);
  });

  it("uses the given flow-log retention", () => {
    const { json } = synthNetwork({ flowLogRetentionDays: 30 });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]!.retention_in_days).toBe(30);
  });

  it("adds extra subnet tags per tier", () => {
    const { json } = synthNetwork({ subnetTags: { private: { "karpenter.sh/discovery": "flashcrowd-prod" } } });
    const tiers = subnetsByTier(json);
    expect(tiers.private.every((s) => s.tags["karpenter.sh/discovery"] === "flashcrowd-prod")).toBe(true);
    expect(tiers.public.some((s) => "karpenter.sh/discovery" in s.tags)).toBe(false);
  });

  it("refuses a CIDR too small for its subnets", () => {
    expect(() => synthNetwork({ cidr: "10.0.0.0/20" })).toThrow(/10\.0\.0\.0\/20 holds 4096 addresses/);
  });

  it("exposes subnet ids per tier in AZ order", () => {
    const { network } = synthNetwork();
    expect(network.subnetIds("data")).toHaveLength(3);
    expect(network.subnets.data.map((s) => s.az)).toEqual(AZS);
  });

  it("places modules in a tier: its VPC and its subnets", () => {
    const { stack } = environmentStack();
    const network = new Network(stack, "network", { cidr: "10.0.0.0/16", availabilityZones: AZS });
    new TerraformOutput(stack, "placement", { value: network.placement("private") });
    const json = synthJson(stack);
    const subnets = resourcesOf(json, "aws_subnet");
    const privateIds = Object.keys(subnets).filter((id) => id.includes("private")).map((id) => `\${aws_subnet.${id}.id}`);
    expect((json as { output: Record<string, { value: unknown }> }).output.placement!.value).toEqual({
      vpcId: `\${aws_vpc.${Object.keys(resourcesOf(json, "aws_vpc"))[0]}.id}`,
      subnetIds: privateIds,
    });
    expect(privateIds).toHaveLength(3);
  });

  it("reaches endpoint services of its stack's region", () => {
    const { json } = synthNetwork({ interfaceEndpoints: ["sts"] }, "ap-southeast-1");
    expect(listOf(json, "aws_vpc_endpoint").map((e) => e.service_name).sort()).toEqual(["com.amazonaws.ap-southeast-1.s3", "com.amazonaws.ap-southeast-1.sts"]);
  });
});
