import type { Construct } from "constructs";
import { EcsCluster } from "../modules/compute/ecs-cluster";
import { SqsQueue } from "../modules/data/sqs-queue";
import { Network } from "../modules/network/network";
import { VpcPeering } from "../modules/network/vpc-peering";
import { KmsKey } from "../modules/security/kms-key";
import type { Config, ResolvedEvent } from "../src/config";
import { serviceCapacityPlans, type ServiceCapacityPlan } from "../src/config/capacity";
import { AwsStack } from "../src/core/aws-stack";
import type { PlatformStack } from "./platform-stack";

export interface EventStackProps {
  readonly config: Config;
  /** The calendar entry this stack serves. */
  readonly event: ResolvedEvent;
  /**
   * The platform that receives the event's data (`events.platform.syncTo`): the peering and DMS
   * read its VPC, route table and database through cross-stack references.
   */
  readonly syncTarget: PlatformStack;
}

/** One sale's environment, `event-<slug>`: applied before it opens, destroyed after it closes. */
export class EventStack extends AwsStack {
  readonly event: ResolvedEvent;
  readonly network: Network;
  /**
   * Key for what lives and dies with the event: queues, topics, log groups, DMS. Never for data
   * that must outlive the stack (the final database snapshot, log archives): the key is scheduled
   * for deletion when the stack is destroyed.
   */
  readonly eventKey: KmsKey;
  readonly cluster: EcsCluster;
  readonly orders: SqsQueue;
  readonly peering: VpcPeering;
  /** Pre-warm size, request-count target and schedule per configured service, for this event. */
  readonly capacity: Readonly<Record<string, ServiceCapacityPlan>>;

  constructor(scope: Construct, props: EventStackProps) {
    const platform = props.config.events.platform;
    super(scope, {
      config: props.config,
      stackId: props.event.stackId,
      environment: "event",
      event: props.event.slug,
      target: platform,
    });
    this.event = props.event;
    const prod = props.syncTarget;

    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: platform.account,
      region: platform.region,
      availabilityZones: platform.availabilityZones,
      cidr: props.event.cidr,
      ...platform.network,
    });

    this.eventKey = new KmsKey(this, "event-key", {
      alias: this.naming.name("event"),
      description: `Encrypts the short-lived data of ${this.naming.workspace} (queues, topics, logs, DMS)`,
      accountId: platform.account,
      // The minimum: nothing encrypted with this key outlives the event.
      deletionWindowInDays: 7,
    });

    this.cluster = new EcsCluster(this, "ecs", { name: this.naming.name("ecs") });
    this.capacity = serviceCapacityPlans(platform, props.event);

    this.orders = new SqsQueue(this, "orders", {
      queueName: this.naming.name("orders", 76),
      kmsKey: this.eventKey,
      maxReceiveCount: platform.queue.maxReceiveCount,
      messageRetentionSeconds: platform.queue.retentionHours * 3600,
      deadLetterRetentionSeconds: platform.queue.deadLetterRetentionHours * 3600,
      visibilityTimeoutSeconds: platform.queue.visibilityTimeoutSeconds,
    });

    // Event data subnets <-> prod data subnets only: DMS is the one thing that crosses.
    const crossAccount = prod.env.account !== platform.account;
    const crossRegion = prod.env.region !== platform.region;
    const accepterProvider = crossAccount
      ? this.crossAccountProvider("accepter", { account: prod.env.account, region: prod.env.region, roleArn: platform.peering.accepterRoleArn! })
      : crossRegion
        ? this.aliasedProvider("accepter", prod.env.region)
        : undefined;
    this.peering = new VpcPeering(this, "peering", {
      naming: this.naming,
      component: `to-${prod.environmentId}`,
      requester: {
        vpcId: this.network.vpc.id,
        accountId: platform.account,
        region: platform.region,
        routeTableIds: [this.network.dataRouteTable.id],
        cidrs: this.network.subnets.data.map((s) => s.cidr),
      },
      accepter: {
        vpcId: prod.network.vpc.id,
        accountId: prod.env.account,
        region: prod.env.region,
        routeTableIds: [prod.network.dataRouteTable.id],
        cidrs: prod.network.subnets.data.map((s) => s.cidr),
        provider: accepterProvider,
      },
    });
  }
}
