import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { ModuleConstruct } from "../core/environment";
import { layoutRows, metricWidget, renderDashboard, type MetricSpec, type UnplacedWidget } from "./dashboard-widgets";
import type { AuroraMetricName, AuroraMetrics, LoadBalancerMetricName, LoadBalancerMetrics, NatGatewayMetricName, NatGatewayMetrics, RedisMetricName, RedisMetrics } from "./metric";

/** The themed rows of the dashboard, top to bottom. */
export const DASHBOARD_ROWS = ["CPU", "Memory", "Network", "Requests", "Errors", "Database", "Cache"] as const;
export type PlatformDashboardRow = (typeof DASHBOARD_ROWS)[number];

export interface PlatformDashboardProps {
  /** Dashboard name, e.g. `{project}-{stack}`. */
  readonly dashboardName: string;
  /** The database (an `AuroraMysql`). @default - no database widgets */
  readonly aurora?: AuroraMetrics;
  /** The cache (a `Redis`). @default - no cache widgets */
  readonly redis?: RedisMetrics;
  /** The NAT gateways (`network.natGatewayMetrics()`). @default - no NAT widgets */
  readonly natGateways?: readonly NatGatewayMetrics[];
  /** The load balancer (an `ApplicationLoadBalancer`). @default - no load-balancer widgets; {@link PlatformDashboard.addLoadBalancer} adds them later */
  readonly loadBalancer?: LoadBalancerMetrics;
}

/**
 * One CloudWatch dashboard per environment with rows for CPU, memory, network, requests, errors,
 * the database and the cache, filled from the parts of the platform it is given (metrics of the
 * stack's region). Other modules add
 * widgets to a row with {@link addWidgets}; the body is rendered at synth.
 */
export class PlatformDashboard extends ModuleConstruct {
  readonly dashboard: CloudwatchDashboard;
  private readonly rows = new Map<PlatformDashboardRow, UnplacedWidget[]>(DASHBOARD_ROWS.map((r) => [r, []]));

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    if (props.aurora) this.addAurora(props.aurora);
    if (props.redis) this.addRedis(props.redis);
    if (props.natGateways && props.natGateways.length > 0) this.addNatGateways(props.natGateways);
    if (props.loadBalancer) this.addLoadBalancer(props.loadBalancer);
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: Lazy.stringValue({
        produce: () => renderDashboard(layoutRows(DASHBOARD_ROWS.map((title) => ({ title, widgets: this.rows.get(title)! })))),
      }),
    });
  }

  /** Adds widgets to the end of a row. */
  addWidgets(row: PlatformDashboardRow, ...widgets: UnplacedWidget[]): void {
    this.rows.get(row)!.push(...widgets);
  }

  /** Requests and errors of an Application Load Balancer. */
  addLoadBalancer(lb: LoadBalancerMetrics): void {
    const alb = (name: LoadBalancerMetricName, label: string, stat?: string): MetricSpec => ({ ...lb.metric(name), label, stat });
    this.addWidgets("Requests", this.graph("ALB requests", [alb("RequestCount", "requests")], { stat: "Sum", period: 60 }));
    this.addWidgets("Requests", this.graph("ALB response time", [alb("TargetResponseTime", "p50", "p50"), alb("TargetResponseTime", "p99", "p99")], { period: 60, unit: "seconds" }));
    this.addWidgets("Errors", this.graph("ALB 5xx", [alb("HTTPCode_ELB_5XX_Count", "load balancer"), alb("HTTPCode_Target_5XX_Count", "targets")], { stat: "Sum", period: 60 }));
    this.addWidgets("Errors", this.graph("ALB 4xx", [alb("HTTPCode_ELB_4XX_Count", "load balancer"), alb("HTTPCode_Target_4XX_Count", "targets")], { stat: "Sum", period: 60 }));
  }

  private addAurora(aurora: AuroraMetrics): void {
    const rds = (name: AuroraMetricName, label: string, stat?: string): MetricSpec => ({ ...aurora.metric(name), label, stat });
    this.addWidgets("CPU", this.graph("Aurora CPU", [rds("CPUUtilization", "average"), rds("CPUUtilization", "maximum", "Maximum")], { unit: "%" }));
    this.addWidgets("Memory", this.graph("Aurora freeable memory", [rds("FreeableMemory", "lowest instance", "Minimum")], { unit: "bytes" }));
    this.addWidgets("Network", this.graph("Aurora network throughput", [rds("NetworkThroughput", "throughput")], { unit: "bytes/s" }));
    this.addWidgets("Requests", this.graph("Aurora queries", [rds("Queries", "queries/s"), rds("DMLThroughput", "DML/s")]));
    this.addWidgets(
      "Database",
      this.graph("Aurora connections", [rds("DatabaseConnections", "connections", "Maximum")]),
      this.graph("Aurora latency", [rds("SelectLatency", "select"), rds("CommitLatency", "commit"), rds("DMLLatency", "DML")], { unit: "ms" }),
      this.graph("Aurora replica lag", [rds("AuroraReplicaLagMaximum", "max lag", "Maximum")], { unit: "ms" }),
      this.graph("Aurora deadlocks", [rds("Deadlocks", "deadlocks/s")]),
    );
  }

  private addRedis(redis: RedisMetrics): void {
    const perNode = (name: RedisMetricName, stat?: string): MetricSpec[] => redis.memberClusterIds.map((node) => ({ ...redis.metric(name, node), label: node, stat }));
    this.addWidgets("CPU", this.graph("Redis engine CPU", perNode("EngineCPUUtilization"), { unit: "%" }));
    this.addWidgets("Memory", this.graph("Redis memory used", perNode("DatabaseMemoryUsagePercentage", "Maximum"), { unit: "%" }));
    this.addWidgets("Network", this.graph("Redis network in", perNode("NetworkBytesIn", "Sum"), { unit: "bytes" }));
    this.addWidgets(
      "Cache",
      this.graph("Redis hit rate", perNode("CacheHitRate"), { unit: "%" }),
      this.graph("Redis connections", perNode("CurrConnections", "Maximum")),
      this.graph("Redis evictions", perNode("Evictions", "Sum")),
    );
  }

  private addNatGateways(nats: readonly NatGatewayMetrics[]): void {
    const perNat = (name: NatGatewayMetricName): MetricSpec[] => nats.map((n) => ({ ...n.metric(name), label: `NAT ${n.name}`, stat: "Sum" }));
    this.addWidgets("Network", this.graph("NAT bytes out", perNat("BytesOutToDestination"), { stat: "Sum", unit: "bytes" }));
    this.addWidgets(
      "Errors",
      this.graph("NAT port allocation errors", perNat("ErrorPortAllocation"), { stat: "Sum" }),
      this.graph("NAT packets dropped", perNat("PacketsDropCount"), { stat: "Sum" }),
    );
  }

  private graph(title: string, metrics: MetricSpec[], options: { stat?: string; period?: number; unit?: string } = {}): UnplacedWidget {
    return metricWidget(this.region, { title, metrics, ...options });
  }
}
