import { Aspects, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { Peer, Port } from "../../../modules/core/connections";
import { Bastion, type BastionProps } from "../../../modules/security/bastion";
import { LaunchedResourceTagging } from "../../../stacks/base/tagging";
import { listOf, synthJson } from "../../helpers/synth";
import { moduleStack, ref, statementsOf } from "../../helpers/stack";

function synthBastion(props: Partial<BastionProps> = {}, extra?: (b: Bastion) => void) {
  const { stack } = moduleStack();
  Aspects.of(stack).add(new LaunchedResourceTagging({ Project: "flashcrowd" }));
  const bastion = new Bastion(stack, "bastion", { placement: { vpcId: "vpc-1", subnetIds: ["subnet-p1", "subnet-p2"] }, vpcCidr: "10.0.0.0/16", ...props });
  extra?.(bastion);
  return synthJson(stack);
}

describe("Bastion defaults", () => {
  const json = synthBastion();
  const [lt] = listOf(json, "aws_launch_template");
  const [asg] = listOf(json, "aws_autoscaling_group");

  it("accepts no inbound connection at all and sends HTTPS only into the VPC", () => {
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(listOf(json, "aws_security_group")[0]).not.toHaveProperty("ingress");
    expect(listOf(json, "aws_vpc_security_group_egress_rule")).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" }),
    ]);
  });

  it("boots the latest Amazon Linux 2023 through an SSM parameter resolved at launch, with no key pair", () => {
    expect(lt).toMatchObject({ image_id: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", instance_type: "t3.micro" });
    expect(lt).not.toHaveProperty("key_name");
  });

  it("requires IMDSv2 with a hop limit of one", () => {
    expect(lt!.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "disabled" });
  });

  it("encrypts the root volume", () => {
    expect(lt!.block_device_mappings).toEqual([
      { device_name: "/dev/xvda", ebs: { volume_size: 8, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
    ]);
  });

  it("carries an instance profile with AmazonSSMManagedInstanceCore only", () => {
    expect((lt!.iam_instance_profile as { arn: string }).arn).toMatch(ref("aws_iam_instance_profile", "arn"));
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    expect(listOf(json, "aws_iam_role_policy")).toEqual([]);
    expect(statementsOf(json, "aws_iam_role", "assume_role_policy")).toEqual([
      expect.objectContaining({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
  });

  it("keeps exactly one instance in the private subnets, replaced weekly and on template changes", () => {
    expect(asg).toMatchObject({
      min_size: 1,
      max_size: 1,
      desired_capacity: 1,
      vpc_zone_identifier: ["subnet-p1", "subnet-p2"],
      max_instance_lifetime: 7 * 86400,
      instance_refresh: { strategy: "Rolling", preferences: { min_healthy_percentage: 0 } },
    });
    expect((asg!.launch_template as { version: string }).version).toMatch(ref("aws_launch_template", "latest_version"));
  });

  it("gets the stack's tags on what it launches", () => {
    const specs = lt!.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
    expect(specs.find((s) => s.resource_type === "instance")!.tags).toEqual({ Project: "flashcrowd", Name: "flashcrowd-test-bastion" });
  });
});

describe("Bastion options", () => {
  it("takes the instance type, AMI parameter, root volume size and key from props", () => {
    const json = synthBastion({ instanceType: "t3.small", amiParameter: "/golden/bastion", rootVolumeGiB: 20, rootVolumeKmsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/abc" });
    expect(listOf(json, "aws_launch_template")[0]).toMatchObject({
      instance_type: "t3.small",
      image_id: "resolve:ssm:/golden/bastion",
      block_device_mappings: [{ ebs: { volume_size: 20, kms_key_id: "arn:aws:kms:ap-northeast-2:123456789012:key/abc" } }],
    });
  });

  it("opens egress to a database's security group through its connections", () => {
    const json = synthBastion({}, (b) => b.connections.allowTo(Peer.securityGroupId("sg-db"), Port.tcp(3306), { egress: { description: "Aurora MySQL" } }));
    expect(listOf(json, "aws_vpc_security_group_egress_rule")).toContainEqual(
      expect.objectContaining({ description: "Aurora MySQL", from_port: 3306, to_port: 3306, referenced_security_group_id: "sg-db" }),
    );
  });

  it("rejects an instance lifetime AWS does not allow", () => {
    expect(() => synthBastion({ maxInstanceLifetimeDays: 0 })).toThrow(/maxInstanceLifetimeDays must be 1-365/);
  });

  it("synthesizes without validation errors", () => {
    const { stack } = moduleStack();
    new Bastion(stack, "bastion", { placement: { vpcId: "vpc-1", subnetIds: ["subnet-p1"] }, vpcCidr: "10.0.0.0/16" });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
