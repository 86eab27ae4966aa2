import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { ModuleConstruct } from "../core/environment";
import { layoutRows, metricWidget, renderDashboard, type MetricSpec, type UnplacedWidget } from "./dashboard-widgets";

/** The themed rows of the dashboard, top to bottom. */
export const DASHBOARD_ROWS = ["CPU", "Memory", "Network", "Requests", "Errors", "Database", "Cache"] as const;
export type PlatformDashboardRow = (typeof DASHBOARD_ROWS)[number];

export interface DashboardAurora {
  /** `DBClusterIdentifier`. */
  readonly clusterIdentifier: string;
}

export interface DashboardRedis {
  /** `CacheClusterId` of each node. */
  readonly memberClusterIds: readonly string[];
}

export interface DashboardNatGateway {
  /** Legend label (the AZ letter). */
  readonly name: string;
  readonly id: string;
}

export interface DashboardLoadBalancer {
  /** `app/<name>/<id>`: the load balancer's `arn_suffix`. */
  readonly arnSuffix: string;
}

export interface PlatformDashboardProps {
  /** Dashboard name, e.g. `{project}-{stack}`. */
  readonly dashboardName: string;
  /** @default - no database widgets */
  readonly aurora?: DashboardAurora;
  /** @default - no cache widgets */
  readonly redis?: DashboardRedis;
  /** @default - no NAT widgets */
  readonly natGateways?: readonly DashboardNatGateway[];
  /** @default - no load-balancer widgets; {@link PlatformDashboard.addLoadBalancer} adds them later */
  readonly loadBalancer?: DashboardLoadBalancer;
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
  addLoadBalancer(lb: DashboardLoadBalancer): void {
    const dims = { LoadBalancer: lb.arnSuffix };
    const alb = (metricName: string, label: string, stat?: string): MetricSpec => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: dims, label, stat });
    this.addWidgets("Requests", this.graph("ALB requests", [alb("RequestCount", "requests")], { stat: "Sum", period: 60 }));
    this.addWidgets("Requests", this.graph("ALB response time", [alb("TargetResponseTime", "p50", "p50"), alb("TargetResponseTime", "p99", "p99")], { period: 60, unit: "seconds" }));
    this.addWidgets("Errors", this.graph("ALB 5xx", [alb("HTTPCode_ELB_5XX_Count", "load balancer"), alb("HTTPCode_Target_5XX_Count", "targets")], { stat: "Sum", period: 60 }));
    this.addWidgets("Errors", this.graph("ALB 4xx", [alb("HTTPCode_ELB_4XX_Count", "load balancer"), alb("HTTPCode_Target_4XX_Count", "targets")], { stat: "Sum", period: 60 }));
  }

  private addAurora(aurora: DashboardAurora): void {
    const rds = (metricName: string, label: string, stat?: string): MetricSpec => ({
      namespace: "AWS/RDS",
      metricName,
      dimensions: { DBClusterIdentifier: aurora.clusterIdentifier },
      label,
      stat,
    });
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

  private addRedis(redis: DashboardRedis): void {
    const perNode = (metricName: string, stat?: string): MetricSpec[] =>
      redis.memberClusterIds.map((node) => ({ namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: node }, label: node, stat }));
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

  private addNatGateways(nats: readonly DashboardNatGateway[]): void {
    const perNat = (metricName: string): MetricSpec[] =>
      nats.map((n) => ({ namespace: "AWS/NATGateway", metricName, dimensions: { NatGatewayId: n.id }, label: `NAT ${n.name}`, stat: "Sum" }));
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
