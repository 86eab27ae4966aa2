import { describe, expect, it } from "vitest";
import { AlbAlarms } from "../../../modules/observability/alb-alarms";
import { AuroraAlarms } from "../../../modules/observability/aurora-alarms";
import { NatGatewayAlarms } from "../../../modules/observability/nat-gateway-alarms";
import { RedisAlarms } from "../../../modules/observability/redis-alarms";
import { listOf, synthJson } from "../../helpers/synth";
import { moduleStack } from "../../helpers/stack";
import { auroraSource, loadBalancerSource, natSource, redisSource } from "../../helpers/metric-sources";

const TOPIC = "arn:aws:sns:ap-northeast-2:123456789012:alerts";
type Alarm = Record<string, unknown>;
const byName = (alarms: Alarm[]) => Object.fromEntries(alarms.map((a) => [a.alarm_name as string, a]));

function synthAlarms(build: (scope: ReturnType<typeof moduleStack>) => void): Alarm[] {
  const scope = moduleStack();
  build(scope);
  return listOf(synthJson(scope.stack), "aws_cloudwatch_metric_alarm");
}

const auroraThresholds = { cpuPercent: 80, connections: 1000, replicaLagMs: 1000, freeableMemoryMiB: 256 };

describe("AuroraAlarms", () => {
  it("watches CPU, connections and freeable memory of the cluster, notifying on alarm and recovery", () => {
    const alarms = byName(
      synthAlarms(({ stack }) => new AuroraAlarms(stack, "a", { cluster: auroraSource("db"), readers: 0, thresholds: auroraThresholds, topicArns: [TOPIC] })),
    );
    expect(Object.keys(alarms).sort()).toEqual(["flashcrowd-test-aurora-connections", "flashcrowd-test-aurora-cpu", "flashcrowd-test-aurora-freeable-memory"]);
    expect(alarms["flashcrowd-test-aurora-cpu"]).toMatchObject({
      namespace: "AWS/RDS",
      metric_name: "CPUUtilization",
      dimensions: { DBClusterIdentifier: "db" },
      statistic: "Average",
      comparison_operator: "GreaterThanThreshold",
      threshold: 80,
      period: 300,
      evaluation_periods: 3,
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
      treat_missing_data: "notBreaching",
    });
    expect(alarms["flashcrowd-test-aurora-freeable-memory"]).toMatchObject({
      comparison_operator: "LessThanThreshold",
      statistic: "Minimum",
      threshold: 256 * 1024 * 1024,
    });
  });

  it("adds a replica-lag alarm when the cluster has readers", () => {
    const alarms = byName(
      synthAlarms(({ stack }) => new AuroraAlarms(stack, "a", { cluster: auroraSource("db"), readers: 1, thresholds: { ...auroraThresholds, replicaLagMs: 500 }, topicArns: [TOPIC] })),
    );
    expect(alarms["flashcrowd-test-aurora-replica-lag"]).toMatchObject({ metric_name: "AuroraReplicaLagMaximum", statistic: "Maximum", threshold: 500 });
  });
});

describe("RedisAlarms", () => {
  it("watches engine CPU, memory and evictions of every node", () => {
    const alarms = byName(
      synthAlarms(({ stack }) =>
        new RedisAlarms(stack, "r", { cache: redisSource(["cache-001", "cache-002"]), thresholds: { cpuPercent: 75, memoryPercent: 80, evictions: 0 }, topicArns: [TOPIC] }),
      ),
    );
    expect(Object.keys(alarms)).toHaveLength(6);
    expect(alarms["flashcrowd-test-redis-cpu-002"]).toMatchObject({ metric_name: "EngineCPUUtilization", dimensions: { CacheClusterId: "cache-002" }, threshold: 75 });
    expect(alarms["flashcrowd-test-redis-memory-001"]).toMatchObject({ metric_name: "DatabaseMemoryUsagePercentage", threshold: 80 });
    expect(alarms["flashcrowd-test-redis-evictions-001"]).toMatchObject({ metric_name: "Evictions", statistic: "Sum", threshold: 0, evaluation_periods: 1 });
  });
});

describe("NatGatewayAlarms", () => {
  it("alarms on any port-allocation error and on dropped packets above the threshold, per gateway", () => {
    const alarms = byName(
      synthAlarms(({ stack }) =>
        new NatGatewayAlarms(stack, "n", { natGateways: [natSource("a", "nat-1"), natSource("c", "nat-2")], packetsDroppedThreshold: 100, topicArns: [TOPIC] }),
      ),
    );
    expect(Object.keys(alarms)).toHaveLength(4);
    expect(alarms["flashcrowd-test-nat-port-allocation-c"]).toMatchObject({
      namespace: "AWS/NATGateway",
      metric_name: "ErrorPortAllocation",
      dimensions: { NatGatewayId: "nat-2" },
      statistic: "Sum",
      threshold: 0,
      evaluation_periods: 1,
    });
    expect(alarms["flashcrowd-test-nat-packets-dropped-a"]).toMatchObject({ metric_name: "PacketsDropCount", threshold: 100, datapoints_to_alarm: 2 });
  });
});

describe("AlbAlarms", () => {
  const alarms = byName(
    synthAlarms(({ stack }) =>
      new AlbAlarms(stack, "alb", {
        loadBalancer: loadBalancerSource("app/flashcrowd-test/abc", { web: "targetgroup/web/123" }),
        fiveXxPerMinute: 10,
        latencyP99Seconds: 2,
        topicArns: [TOPIC],
      }),
    ),
  );

  it("alarms on load-balancer and target 5xx per minute, 3 bad minutes out of 5", () => {
    expect(alarms["flashcrowd-test-alb-elb-5xx"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: "app/flashcrowd-test/abc" },
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 3,
      threshold: 10,
    });
    expect(alarms["flashcrowd-test-alb-target-5xx"]).toMatchObject({ metric_name: "HTTPCode_Target_5XX_Count", threshold: 10 });
  });

  it("alarms on p99 latency as an extended statistic", () => {
    const latency = alarms["flashcrowd-test-alb-latency-p99"]!;
    expect(latency).toMatchObject({ metric_name: "TargetResponseTime", extended_statistic: "p99", threshold: 2 });
    expect(latency).not.toHaveProperty("statistic");
  });

  it("alarms on unhealthy targets per target group", () => {
    expect(alarms["flashcrowd-test-alb-unhealthy-web"]).toMatchObject({
      metric_name: "UnHealthyHostCount",
      dimensions: { LoadBalancer: "app/flashcrowd-test/abc", TargetGroup: "targetgroup/web/123" },
      threshold: 0,
    });
  });
});
