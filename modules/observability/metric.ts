/**
 * CloudWatch metrics of the resources this app creates, named once: the namespace and the
 * dimensions of each service are written here, and the resources hand their metrics out through a
 * `metric(name)` method (`aurora.metric("CPUUtilization")`), which the alarms and the dashboard
 * read instead of repeating namespaces and dimension names.
 */

/** One CloudWatch metric: where it is and which series. */
export interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Aurora MySQL cluster metrics (AWS/RDS, per `DBClusterIdentifier`) that this app watches. */
export type AuroraMetricName =
  | "CPUUtilization"
  | "DatabaseConnections"
  | "FreeableMemory"
  | "AuroraReplicaLagMaximum"
  | "NetworkThroughput"
  | "Queries"
  | "DMLThroughput"
  | "SelectLatency"
  | "CommitLatency"
  | "DMLLatency"
  | "Deadlocks";

/** Redis node metrics (AWS/ElastiCache, per `CacheClusterId`, one per node). */
export type RedisMetricName =
  | "EngineCPUUtilization"
  | "DatabaseMemoryUsagePercentage"
  | "Evictions"
  | "NetworkBytesIn"
  | "CacheHitRate"
  | "CurrConnections";

/** Application Load Balancer metrics (AWS/ApplicationELB, per `LoadBalancer`, and per `TargetGroup` where given). */
export type LoadBalancerMetricName =
  | "RequestCount"
  | "TargetResponseTime"
  | "HTTPCode_ELB_5XX_Count"
  | "HTTPCode_Target_5XX_Count"
  | "HTTPCode_ELB_4XX_Count"
  | "HTTPCode_Target_4XX_Count"
  | "UnHealthyHostCount";

/** NAT gateway metrics (AWS/NATGateway, per `NatGatewayId`). */
export type NatGatewayMetricName = "ErrorPortAllocation" | "PacketsDropCount" | "BytesOutToDestination";

/** DMS replication task metrics (AWS/DMS, per instance and task). */
export type DmsTaskMetricName = "CDCLatencySource" | "CDCLatencyTarget" | "ValidationFailedOverallCount" | "ValidationSuspendedOverallCount";

/** An Aurora cluster as the alarms and the dashboard read it (`AuroraMysql` is one). */
export interface AuroraMetrics {
  /** The cluster identifier, for alarm descriptions. */
  readonly identifier: string;
  metric(name: AuroraMetricName): Metric;
}

/** A Redis replication group as the alarms and the dashboard read it (`Redis` is one). */
export interface RedisMetrics {
  /** One per node (the `CacheClusterId` dimension). */
  readonly memberClusterIds: readonly string[];
  metric(name: RedisMetricName, node: string): Metric;
}

/** A load balancer as the alarms and the dashboard read it (`ApplicationLoadBalancer` is one). */
export interface LoadBalancerMetrics {
  /** Target groups by name. */
  readonly targetGroups: Readonly<Record<string, unknown>>;
  /** The load balancer's metric, or with `targetGroup` (a name of {@link targetGroups}) that target group's. */
  metric(name: LoadBalancerMetricName, targetGroup?: string): Metric;
}

/** One NAT gateway as the alarms and the dashboard read it (`Network.natGatewayMetrics()`). */
export interface NatGatewayMetrics {
  /** Short stable name for alarm names, construct ids and legends (the AZ letter, e.g. `a`). */
  readonly name: string;
  metric(name: NatGatewayMetricName): Metric;
}

export function auroraMetric(clusterIdentifier: string, name: AuroraMetricName): Metric {
  return { namespace: "AWS/RDS", metricName: name, dimensions: { DBClusterIdentifier: clusterIdentifier } };
}

export function redisMetric(cacheClusterId: string, name: RedisMetricName): Metric {
  return { namespace: "AWS/ElastiCache", metricName: name, dimensions: { CacheClusterId: cacheClusterId } };
}

/** `loadBalancerArnSuffix` is `app/<name>/<id>`; `targetGroupArnSuffix` `targetgroup/<name>/<id>`. */
export function loadBalancerMetric(loadBalancerArnSuffix: string, name: LoadBalancerMetricName, targetGroupArnSuffix?: string): Metric {
  const dimensions: Record<string, string> = targetGroupArnSuffix === undefined ? { LoadBalancer: loadBalancerArnSuffix } : { LoadBalancer: loadBalancerArnSuffix, TargetGroup: targetGroupArnSuffix };
  return { namespace: "AWS/ApplicationELB", metricName: name, dimensions };
}

export function natGatewayMetric(natGatewayId: string, name: NatGatewayMetricName): Metric {
  return { namespace: "AWS/NATGateway", metricName: name, dimensions: { NatGatewayId: natGatewayId } };
}

/** `taskResourceId` is the last part of the task's ARN, not its identifier: task metrics carry that. */
export function dmsTaskMetric(replicationInstanceId: string, taskResourceId: string, name: DmsTaskMetricName): Metric {
  return { namespace: "AWS/DMS", metricName: name, dimensions: { ReplicationInstanceIdentifier: replicationInstanceId, ReplicationTaskIdentifier: taskResourceId } };
}
