import type { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ModuleConstruct } from "../core/environment";
import type { AuroraMetrics } from "./metric";
import { metricAlarm } from "./metric-alarm";

export interface AuroraAlarmThresholds {
  /** CPUUtilization (%), 5-minute average, three periods in a row. */
  readonly cpuPercent: number;
  /** DatabaseConnections, 5-minute maximum, three periods in a row. */
  readonly connections: number;
  /** AuroraReplicaLagMaximum (ms), 5-minute maximum, three periods in a row. */
  readonly replicaLagMs: number;
  /** FreeableMemory floor (MiB) of the most constrained instance, 5-minute minimum. */
  readonly freeableMemoryMiB: number;
}

export interface AuroraAlarmsProps {
  /** The cluster (an `AuroraMysql`). */
  readonly cluster: AuroraMetrics;
  /** Reader count: the replica-lag alarm exists only with readers. */
  readonly readers: number;
  readonly thresholds: AuroraAlarmThresholds;
  /** Topics notified on alarm and on recovery. */
  readonly topicArns: readonly string[];
}

/** CPU, connection, replica-lag and freeable-memory alarms of an Aurora cluster, named `{project}-{stack}-aurora-<metric>`. */
export class AuroraAlarms extends ModuleConstruct {
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: AuroraAlarmsProps) {
    super(scope, id);
    const { naming } = this;
    const { cluster, thresholds: t, topicArns } = props;
    const clusterIdentifier = cluster.identifier;
    const alarms = [
      metricAlarm(this, {
        id: "cpu",
        name: naming.name("aurora-cpu", 255),
        description: `Aurora ${clusterIdentifier} CPU above ${t.cpuPercent}% for 15 minutes: check Performance Insights for the top SQL, or scale the instance class`,
        metric: cluster.metric("CPUUtilization"),
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: t.cpuPercent,
      }, topicArns),
      metricAlarm(this, {
        id: "connections",
        name: naming.name("aurora-connections", 255),
        description: `Aurora ${clusterIdentifier} above ${t.connections} connections for 15 minutes: look for connection leaks or pool sizes`,
        metric: cluster.metric("DatabaseConnections"),
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: t.connections,
      }, topicArns),
      metricAlarm(this, {
        id: "freeable-memory",
        name: naming.name("aurora-freeable-memory", 255),
        description: `An instance of Aurora ${clusterIdentifier} has less than ${t.freeableMemoryMiB} MiB freeable memory: risk of swapping or restarts`,
        metric: cluster.metric("FreeableMemory"),
        statistic: "Minimum",
        comparison: "LessThanThreshold",
        threshold: t.freeableMemoryMiB * 1024 * 1024,
      }, topicArns),
    ];
    if (props.readers > 0) {
      alarms.push(
        metricAlarm(this, {
            id: "replica-lag",
          name: naming.name("aurora-replica-lag", 255),
          description: `Aurora ${clusterIdentifier} readers lag the writer by more than ${t.replicaLagMs} ms: readers serve stale data`,
          metric: cluster.metric("AuroraReplicaLagMaximum"),
          statistic: "Maximum",
          comparison: "GreaterThanThreshold",
          threshold: t.replicaLagMs,
        }, topicArns),
      );
    }
    this.alarms = alarms;
  }
}
