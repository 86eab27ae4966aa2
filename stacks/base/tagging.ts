import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchTemplate, type LaunchTemplateTagSpecifications } from "@cdktf/provider-aws/lib/launch-template";
import { registerElementEditingAspect } from "../../src/core/cdktf-workarounds";

/** Resource types a launch template's tag specifications cover: what its instances create. */
const LAUNCHED_RESOURCE_TYPES = ["instance", "volume", "network-interface"] as const;

/**
 * Carries the stack's tags where the AWS provider's `default_tags` does not reach: the instances,
 * volumes and network interfaces a launch template launches, and the instances an Auto Scaling
 * group starts. Tags already set on a resource win over the stack's.
 */
export class LaunchedResourceTagging implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (node instanceof LaunchTemplate) this.tagLaunchTemplate(node);
    else if (node instanceof AutoscalingGroup) this.tagAutoScalingGroup(node);
  }

  private tagLaunchTemplate(lt: LaunchTemplate): void {
    const existing = lt.tagSpecificationsInput;
    if (existing !== undefined && !Array.isArray(existing)) {
      throw new Error(`${lt.node.path}: tag specifications set as a token cannot be merged with the stack's tags; pass a list`);
    }
    const specs: LaunchTemplateTagSpecifications[] = [...(existing ?? [])];
    for (const resourceType of LAUNCHED_RESOURCE_TYPES) {
      const i = specs.findIndex((s) => s.resourceType === resourceType);
      const current = i >= 0 ? specs[i]! : undefined;
      const merged = { resourceType, tags: { ...this.tags, ...(current?.tags ?? {}) } };
      if (i >= 0) specs[i] = { ...current, ...merged };
      else specs.push(merged);
    }
    lt.putTagSpecifications(specs);
  }

  private tagAutoScalingGroup(asg: AutoscalingGroup): void {
    const existing = asg.tagInput;
    if (existing !== undefined && !Array.isArray(existing)) {
      throw new Error(`${asg.node.path}: tags set as a token cannot be merged with the stack's tags; pass a list`);
    }
    const tags = [...(existing ?? [])];
    for (const [key, value] of Object.entries(this.tags)) {
      if (!tags.some((t) => t.key === key)) tags.push({ key, value, propagateAtLaunch: true });
    }
    asg.putTag(tags);
  }
}

// It sets tag attributes on the launch templates and groups it visits, nothing else.
registerElementEditingAspect(LaunchedResourceTagging);
