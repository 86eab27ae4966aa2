import { describe, expect, it } from "vitest";
import { EksNodeGroup, NODE_ROLE_MANAGED_POLICIES, type EksNodeGroupProps } from "../../../modules/compute/eks-node-group";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, parseJsonAttribute, synthJson, type TerraformJson } from "../../helpers/synth";
import { moduleStack, type PolicyJson } from "../../helpers/stack";

function synthGroup(props: Partial<EksNodeGroupProps> = {}, withKey = false): TerraformJson {
  const { stack } = moduleStack();
  const volumeKey = withKey ? new KmsKey(stack, "volumes", { alias: "volumes", description: "volumes" }) : undefined;
  new EksNodeGroup(stack, "nodes", {
    name: "system",
    clusterName: "flashcrowd-test-eks",
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupIds: ["sg-nodes"],
    instanceTypes: ["m7i.large"],
    minSize: 1,
    maxSize: 3,
    desiredSize: 2,
    volumeKey,
    ...props,
  });
  return synthJson(stack);
}

const launchTemplate = (json: TerraformJson) => listOf(json, "aws_launch_template")[0]!;
const nodeGroup = (json: TerraformJson) => listOf(json, "aws_eks_node_group")[0]!;
const rootVolume = (json: TerraformJson) => (launchTemplate(json).block_device_mappings as { device_name: string; ebs: Record<string, unknown> }[])[0]!;

describe("EksNodeGroup defaults", () => {
  const json = synthGroup();

  it("requires IMDSv2 with a hop limit of 1, so pods cannot reach the node's credentials", () => {
    expect(launchTemplate(json).metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      instance_metadata_tags: "disabled",
    });
  });

  it("gives the nodes an encrypted gp3 root volume of 50 GiB under the AWS-managed EBS key", () => {
    expect(rootVolume(json)).toEqual({
      device_name: "/dev/xvda",
      ebs: { volume_type: "gp3", volume_size: 50, encrypted: "true", delete_on_termination: "true" },
    });
  });

  it("has no SSH key, no AMI override and the given security groups", () => {
    const lt = launchTemplate(json);
    expect(lt.key_name).toBeUndefined();
    expect(lt.image_id).toBeUndefined();
    expect(lt.vpc_security_group_ids).toEqual(["sg-nodes"]);
  });

  it("runs AL2023 on-demand nodes from the launch template's latest version", () => {
    const group = nodeGroup(json);
    expect(group).toEqual(
      expect.objectContaining({ ami_type: "AL2023_x86_64_STANDARD", capacity_type: "ON_DEMAND", instance_types: ["m7i.large"], subnet_ids: ["subnet-a", "subnet-b"] }),
    );
    expect(group.launch_template).toEqual({
      id: expect.stringMatching(/^\$\{aws_launch_template\.nodes_launch-template_[A-Z0-9]+\.id\}$/),
      version: expect.stringMatching(/^\$\{aws_launch_template\.nodes_launch-template_[A-Z0-9]+\.latest_version\}$/),
    });
  });

  it("is replaced before it is destroyed and leaves the desired size to autoscaling and schedules", () => {
    const group = nodeGroup(json);
    expect(group.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["scaling_config[0].desired_size"] });
    expect(group.scaling_config).toEqual({ min_size: 1, max_size: 3, desired_size: 2 });
    const prefix = group.node_group_name_prefix as string;
    expect(prefix).toBe("flashcrowd-test-system-");
    expect(prefix.length).toBeLessThanOrEqual(37);
  });

  it("gives the node role the worker, CNI, ECR read-only and Session Manager policies and trusts EC2", () => {
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual([...NODE_ROLE_MANAGED_POLICIES]);
    const trust = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
  });

  it("has no taints", () => {
    expect(nodeGroup(json).taint).toBeUndefined();
  });
});

describe("EksNodeGroup options", () => {
  it("uses a customer key for the root volume when given", () => {
    expect(rootVolume(synthGroup({}, true)).ebs.kms_key_id).toMatch(/^\$\{aws_kms_key\.volumes_key_[A-Z0-9]+\.arn\}$/);
  });

  it("lets pods reach IMDS with a hop limit of 2 when asked", () => {
    expect(launchTemplate(synthGroup({ metadataHopLimit: 2 })).metadata_options).toEqual(expect.objectContaining({ http_put_response_hop_limit: 2, http_tokens: "required" }));
  });

  it("takes capacity type, AMI type, disk size, labels and taints from props", () => {
    const json = synthGroup({
      capacityType: "SPOT",
      amiType: "AL2023_ARM_64_STANDARD",
      instanceTypes: ["m7g.large"],
      diskSizeGiB: 100,
      labels: { role: "system" },
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    });
    expect(nodeGroup(json)).toEqual(
      expect.objectContaining({
        capacity_type: "SPOT",
        ami_type: "AL2023_ARM_64_STANDARD",
        labels: { role: "system" },
        taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
      }),
    );
    expect(rootVolume(json).ebs.volume_size).toBe(100);
  });

  it.each([
    [{ minSize: 3, maxSize: 2, desiredSize: 2 }],
    [{ minSize: 1, maxSize: 2, desiredSize: 3 }],
  ])("rejects sizes %o", (sizes) => {
    expect(() => synthGroup(sizes)).toThrow(/minSize <= desiredSize <= maxSize/);
  });
});
