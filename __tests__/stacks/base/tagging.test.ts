import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsStack } from "../../../stacks/base/aws-stack";
import { listOf, synthJson } from "../../helpers/synth";
import { fixtureConfig } from "../../helpers/fixture-config";

class ProbeStack extends AwsStack {
  constructor(build: (stack: TerraformStack) => void) {
    const config = fixtureConfig();
    super(Testing.app(), { config, stackId: "prod", environment: "prod", target: config.environments.prod! });
    build(this);
  }
}

describe("LaunchedResourceTagging", () => {
  it("adds the stack's tags to what a launch template launches", () => {
    const json = synthJson(new ProbeStack((s) => new LaunchTemplate(s, "lt", { name: "probe" })));
    const specs = listOf(json, "aws_launch_template")[0]!.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
    expect(specs.map((s) => s.resource_type)).toEqual(["instance", "volume", "network-interface"]);
    for (const spec of specs) expect(spec.tags).toEqual(expect.objectContaining({ Project: "flashcrowd", Stack: "prod", Environment: "prod" }));
  });

  it("keeps tags already set on a launch template's specification, which win", () => {
    const json = synthJson(
      new ProbeStack((s) => new LaunchTemplate(s, "lt", { name: "probe", tagSpecifications: [{ resourceType: "instance", tags: { Name: "node", Stack: "custom" } }] })),
    );
    const specs = listOf(json, "aws_launch_template")[0]!.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
    const instance = specs.find((s) => s.resource_type === "instance")!;
    expect(instance.tags).toEqual(expect.objectContaining({ Name: "node", Stack: "custom", Project: "flashcrowd" }));
    expect(specs).toHaveLength(3);
  });

  it("adds the stack's tags to an Auto Scaling group, propagated at launch, without duplicating its own", () => {
    const json = synthJson(
      new ProbeStack(
        (s) =>
          new AutoscalingGroup(s, "asg", {
            maxSize: 1,
            minSize: 1,
            availabilityZones: ["ap-northeast-2a"],
            tag: [{ key: "Project", value: "other", propagateAtLaunch: true }],
          }),
      ),
    );
    const tags = listOf(json, "aws_autoscaling_group")[0]!.tag as { key: string; value: string; propagate_at_launch: boolean }[];
    expect(tags.filter((t) => t.key === "Project")).toEqual([{ key: "Project", value: "other", propagate_at_launch: true }]);
    expect(tags).toContainEqual({ key: "Stack", value: "prod", propagate_at_launch: true });
  });
});
