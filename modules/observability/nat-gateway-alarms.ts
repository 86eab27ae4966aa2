import type { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ModuleConstruct } from "../core/environment";
import type { NatGatewayMetrics } from "./metric";
import { metricAlarm } from "./metric-alarm";

export interface NatGatewayAlarmsProps {
  /** The gateways to watch (`network.natGatewayMetrics()`). */
  readonly natGateways: readonly NatGatewayMetrics[];
  /** PacketsDropCount summed over 5 minutes; more than this alarms. */
  readonly packetsDroppedThreshold: number;
  /** Topics notified on alarm and on recovery. */
  readonly topicArns: readonly string[];
}

/**
 * Per NAT gateway: any ErrorPortAllocation (the gateway ran out of source ports to one
 * destination, so new connections fail) and PacketsDropCount above a threshold. Alarms are named
 * `{project}-{stack}-nat-<metric>-<name>`.
 */
export class NatGatewayAlarms extends ModuleConstruct {
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: NatGatewayAlarmsProps) {
    super(scope, id);
    const { naming } = this;
    const { topicArns } = props;
    this.alarms = props.natGateways.flatMap((nat) => {
      const base = { statistic: "Sum" as const };
      return [
        metricAlarm(this, {
          ...base,
          id: `port-allocation-${nat.name}`,
          name: naming.name(`nat-port-allocation-${nat.name}`, 255),
          description: `NAT gateway ${nat.name} could not allocate a source port: new outbound connections are failing; spread traffic over more destinations or add an IP to the gateway`,
          metric: nat.metric("ErrorPortAllocation"),
          comparison: "GreaterThanThreshold",
          threshold: 0,
          evaluationPeriods: 1,
        }, topicArns),
        metricAlarm(this, {
          ...base,
          id: `packets-dropped-${nat.name}`,
          name: naming.name(`nat-packets-dropped-${nat.name}`, 255),
          description: `NAT gateway ${nat.name} dropped more than ${props.packetsDroppedThreshold} packets in 5 minutes, twice in 15 minutes`,
          metric: nat.metric("PacketsDropCount"),
          comparison: "GreaterThanThreshold",
          threshold: props.packetsDroppedThreshold,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
        }, topicArns),
      ];
    });
  }
}
