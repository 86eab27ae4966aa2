import type { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ModuleConstruct } from "../core/environment";
import type { RedisMetrics } from "./metric";
import { metricAlarm } from "./metric-alarm";

export interface RedisAlarmThresholds {
  /** EngineCPUUtilization (%) of a node, 5-minute average, three periods in a row. */
  readonly cpuPercent: number;
  /** DatabaseMemoryUsagePercentage of a node, 5-minute maximum, three periods in a row. */
  readonly memoryPercent: number;
  /** Evictions of a node summed over 5 minutes; more than this alarms at once. */
  readonly evictions: number;
}

export interface RedisAlarmsProps {
  /** The replication group (a `Redis`): every node is watched. */
  readonly cache: RedisMetrics;
  readonly thresholds: RedisAlarmThresholds;
  /** Topics notified on alarm and on recovery. */
  readonly topicArns: readonly string[];
}

/** Engine CPU, memory and eviction alarms for every node of a Redis replication group, named `{project}-{stack}-redis-<metric>-<node>`. */
export class RedisAlarms extends ModuleConstruct {
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: RedisAlarmsProps) {
    super(scope, id);
    const { naming } = this;
    const { cache, thresholds: t, topicArns } = props;
    this.alarms = cache.memberClusterIds.flatMap((node) => {
      const suffix = node.slice(-3);
      return [
        metricAlarm(this, {
          id: `cpu-${suffix}`,
          name: naming.name(`redis-cpu-${suffix}`, 255),
          description: `Redis node ${node} engine CPU above ${t.cpuPercent}% for 15 minutes: Redis is single-threaded, look for slow commands (SLOWLOG) or hot keys`,
          metric: cache.metric("EngineCPUUtilization", node),
          statistic: "Average",
          comparison: "GreaterThanThreshold",
          threshold: t.cpuPercent,
        }, topicArns),
        metricAlarm(this, {
          id: `memory-${suffix}`,
          name: naming.name(`redis-memory-${suffix}`, 255),
          description: `Redis node ${node} uses more than ${t.memoryPercent}% of its memory: evictions follow; check TTLs or scale the node type`,
          metric: cache.metric("DatabaseMemoryUsagePercentage", node),
          statistic: "Maximum",
          comparison: "GreaterThanThreshold",
          threshold: t.memoryPercent,
        }, topicArns),
        metricAlarm(this, {
          id: `evictions-${suffix}`,
          name: naming.name(`redis-evictions-${suffix}`, 255),
          description: `Redis node ${node} evicted more than ${t.evictions} keys in 5 minutes: the cache is too small for its working set`,
          metric: cache.metric("Evictions", node),
          statistic: "Sum",
          comparison: "GreaterThanThreshold",
          threshold: t.evictions,
          evaluationPeriods: 1,
        }, topicArns),
      ];
    });
  }
}
