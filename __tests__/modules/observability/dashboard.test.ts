import { describe, expect, it } from "vitest";
import { layoutRows, metricWidget, renderDashboard, textWidget } from "../../../modules/observability/dashboard-widgets";
import { PlatformDashboard, type PlatformDashboardProps } from "../../../modules/observability/platform-dashboard";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";
import { moduleStack } from "../../helpers/stack";
import { auroraSource, loadBalancerSource, natSource, redisSource } from "../../helpers/metric-sources";

interface Body {
  widgets: { type: string; x: number; y: number; width: number; height: number; properties: { title?: string; markdown?: string; metrics?: unknown[][] } }[];
}

describe("dashboard widgets", () => {
  it("renders metrics in CloudWatch's array form with dimensions and options", () => {
    const w = metricWidget("ap-northeast-2", {
      title: "CPU",
      metrics: [{ namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: { DBClusterIdentifier: "db" }, stat: "Maximum", label: "max" }],
      unit: "%",
    });
    expect(w.properties).toMatchObject({
      title: "CPU",
      region: "ap-northeast-2",
      stat: "Average",
      period: 300,
      metrics: [["AWS/RDS", "CPUUtilization", "DBClusterIdentifier", "db", { stat: "Maximum", label: "max" }]],
      yAxis: { left: { label: "%", showUnits: false } },
    });
  });

  it("lays rows out under full-width titles, three graphs a line, wrapping, and skips empty rows", () => {
    const graph = metricWidget("r", { title: "g", metrics: [] });
    const placed = layoutRows([
      { title: "A", widgets: [graph, graph, graph, graph] },
      { title: "Empty", widgets: [] },
      { title: "B", widgets: [textWidget("note", 2)] },
    ]);
    expect(placed.map((w) => [w.type, w.x, w.y, w.width])).toEqual([
      ["text", 0, 0, 24],
      ["metric", 0, 1, 8],
      ["metric", 8, 1, 8],
      ["metric", 16, 1, 8],
      ["metric", 0, 7, 8],
      ["text", 0, 13, 24],
      ["text", 0, 14, 24],
    ]);
    expect(JSON.parse(renderDashboard(placed)).widgets).toHaveLength(7);
  });
});

function synthDashboard(props: Partial<PlatformDashboardProps> = {}, extra?: (d: PlatformDashboard) => void): Body {
  const { stack } = moduleStack();
  const d = new PlatformDashboard(stack, "dashboard", { dashboardName: "flashcrowd-test", ...props });
  extra?.(d);
  const [dashboard] = listOf(synthJson(stack), "aws_cloudwatch_dashboard");
  expect(dashboard!.dashboard_name).toBe("flashcrowd-test");
  return parseJsonAttribute<Body>(dashboard!.dashboard_body);
}

const titles = (body: Body) => body.widgets.filter((w) => w.type === "text").map((w) => w.properties.markdown);
const graphTitles = (body: Body) => body.widgets.filter((w) => w.type === "metric").map((w) => w.properties.title);

describe("PlatformDashboard", () => {
  it("has CPU, memory, network, requests, errors, database and cache rows for a full platform", () => {
    const body = synthDashboard({
      aurora: auroraSource("db"),
      redis: redisSource(["cache-001", "cache-002"]),
      natGateways: [natSource("a", "nat-1")],
      loadBalancer: loadBalancerSource("app/lb/1"),
    });
    expect(titles(body)).toEqual(["## CPU", "## Memory", "## Network", "## Requests", "## Errors", "## Database", "## Cache"]);
    const redisCpu = body.widgets.find((w) => w.properties.title === "Redis engine CPU")!;
    expect(redisCpu.properties.metrics).toEqual([
      ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", "cache-001", { label: "cache-001" }],
      ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", "cache-002", { label: "cache-002" }],
    ]);
    expect(graphTitles(body)).toEqual(expect.arrayContaining(["ALB requests", "ALB 5xx", "NAT packets dropped", "Aurora connections", "Redis hit rate"]));
  });

  it("leaves out rows with nothing to show", () => {
    const body = synthDashboard({ aurora: auroraSource("db") });
    expect(titles(body)).toEqual(["## CPU", "## Memory", "## Network", "## Requests", "## Database"]);
    expect(graphTitles(body)).not.toContain("ALB requests");
  });

  it("takes a load balancer and extra widgets after construction", () => {
    const body = synthDashboard({}, (d) => {
      d.addLoadBalancer(loadBalancerSource("app/lb/1"));
      d.addWidgets("CPU", metricWidget("ap-northeast-2", { title: "EKS node CPU", metrics: [{ namespace: "ContainerInsights", metricName: "node_cpu_utilization", dimensions: { ClusterName: "eks" } }] }));
    });
    expect(titles(body)).toEqual(["## CPU", "## Requests", "## Errors"]);
    expect(graphTitles(body)).toEqual(["EKS node CPU", "ALB requests", "ALB response time", "ALB 5xx", "ALB 4xx"]);
  });
});
