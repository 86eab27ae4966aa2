/**
 * Metric sources for the alarm and dashboard tests, built from the same metric functions the
 * resources use (modules/observability/metric.ts), so a test needs no cluster to watch one.
 */
import {
  auroraMetric,
  loadBalancerMetric,
  natGatewayMetric,
  redisMetric,
  type AuroraMetrics,
  type LoadBalancerMetrics,
  type NatGatewayMetrics,
  type RedisMetrics,
} from "../../modules/observability/metric";

export function auroraSource(identifier: string): AuroraMetrics {
  return { identifier, metric: (name) => auroraMetric(identifier, name) };
}

export function redisSource(memberClusterIds: readonly string[]): RedisMetrics {
  return { memberClusterIds, metric: (name, node) => redisMetric(node, name) };
}

export function natSource(name: string, natGatewayId: string): NatGatewayMetrics {
  return { name, metric: (metricName) => natGatewayMetric(natGatewayId, metricName) };
}

/** `targetGroups`: name to `arn_suffix`. */
export function loadBalancerSource(arnSuffix: string, targetGroups: Readonly<Record<string, string>> = {}): LoadBalancerMetrics {
  return { targetGroups, metric: (name, group) => loadBalancerMetric(arnSuffix, name, group === undefined ? undefined : targetGroups[group]) };
}
