import { Construct } from "constructs";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";

export interface EcsClusterProps {
  /** Cluster name, usually `naming.name("ecs")`. */
  readonly name: string;
  /**
   * CloudWatch Container Insights.
   * @default "enabled" - per-task and per-service CPU, memory and network metrics (CloudWatch
   * custom-metric pricing, charged only while tasks run). "enhanced" adds container-level metrics
   * at a higher price.
   */
  readonly containerInsights?: "enabled" | "enhanced";
}

/**
 * An ECS cluster for Fargate services, with Container Insights on. ECS Exec is not configured:
 * nobody gets a shell in a sale's containers.
 */
export class EcsCluster extends Construct {
  readonly cluster: EcsClusterResource;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    this.cluster = new EcsClusterResource(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: props.containerInsights ?? "enabled" }],
    });
  }

  get arn(): string {
    return this.cluster.arn;
  }

  get name(): string {
    return this.cluster.name;
  }
}
