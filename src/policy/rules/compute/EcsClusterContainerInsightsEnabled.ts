import { compliant, nonCompliant } from "../../check";
import { blocks, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** ECS clusters have CloudWatch Container Insights on (`setting` containerInsights = enabled or enhanced). */
export const EcsClusterContainerInsightsEnabled: Rule = (json) =>
  resourcesOf(json, "aws_ecs_cluster").map((cluster) => {
    const setting = blocks(cluster.config.setting).find((s) => s.name === "containerInsights");
    if (!setting) return nonCompliant(cluster, "no containerInsights setting (default disabled)");
    return setting.value === "enabled" || setting.value === "enhanced"
      ? compliant(cluster, `containerInsights = ${String(setting.value)}`)
      : nonCompliant(cluster, `containerInsights = ${JSON.stringify(setting.value)}; must be "enabled" or "enhanced"`);
  });
