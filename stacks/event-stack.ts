import type { Construct } from "constructs";
import { Network } from "../modules/network/network";
import type { Config, ResolvedEvent } from "../src/config";
import { AwsStack } from "../src/core/aws-stack";

export interface EventStackProps {
  readonly config: Config;
  /** The calendar entry this stack serves. */
  readonly event: ResolvedEvent;
}

/** One sale's environment, `event-<slug>`: applied before it opens, destroyed after it closes. */
export class EventStack extends AwsStack {
  readonly event: ResolvedEvent;
  readonly network: Network;

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

    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: platform.account,
      region: platform.region,
      availabilityZones: platform.availabilityZones,
      cidr: props.event.cidr,
      ...platform.network,
    });
  }
}
