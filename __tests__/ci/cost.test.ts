/**
 * The cost estimate's arithmetic, pinned on a small hand-written stack with known quantities and a
 * price table of round numbers, and the shipped price tables' date and source.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { describeCostTable, estimateStack, summarizeCost, type StackJson } from "../../src/ci/cost";
import { HOURS_PER_MONTH, PRICE_TABLES, type PriceTable } from "../../src/ci/prices";

const ROUND: PriceTable = {
  region: "ap-northeast-2",
  date: "2026-01-01",
  source: "test prices",
  hourly: {
    "nat-gateway": 0.05,
    "public-ipv4": 0.005,
    alb: 0.02,
    "eks-cluster": 0.1,
    "ec2:m7i.large": 0.12,
    "aurora-serverless-v2-acu": 0.1,
    "aurora:db.r7g.large": 0.3,
    "elasticache:cache.r7g.large": 0.25,
    "dms:dms.r6i.large": 0.3,
    "fargate-vcpu": 0.04,
    "fargate-gb": 0.004,
    "vpc-interface-endpoint-az": 0.01,
  },
  monthly: { "dms-storage-gb": 0.1, "waf-web-acl": 5, "waf-rule": 1, "kms-key": 1, "secretsmanager-secret": 0.4, "route53-hosted-zone": 0.5, "cloudwatch-alarm-metric": 0.1 },
};

const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;

/** An event-sized stack: every priced type once, with quantities that are easy to multiply. */
const eventStack: StackJson = {
  provider: { aws: [{ region: "ap-northeast-2" }, { alias: "us_east_1", region: "us-east-1" }] },
  resource: {
    aws_nat_gateway: { a: { "//": { metadata: { path: "ev/network/nat-a" } } }, b: {} },
    aws_lb: { alb: { load_balancer_type: "application" } },
    aws_rds_cluster: { db: { serverlessv2_scaling_configuration: { min_capacity: 2, max_capacity: 64 }, manage_master_user_password: true } },
    aws_rds_cluster_instance: {
      writer: { instance_class: "db.serverless", cluster_identifier: ref("aws_rds_cluster", "db", "id") },
      reader: { instance_class: "db.serverless", cluster_identifier: ref("aws_rds_cluster", "db", "id") },
    },
    aws_elasticache_replication_group: { redis: { node_type: "cache.r7g.large", num_cache_clusters: 2 } },
    aws_dms_replication_instance: { dms: { replication_instance_class: "dms.r6i.large", multi_az: true, allocated_storage: 100 } },
    aws_ecs_cluster: { c: {} },
    aws_ecs_task_definition: { web: { cpu: "1024", memory: "2048" } },
    aws_ecs_service: { web: { launch_type: "FARGATE", desired_count: 2, task_definition: ref("aws_ecs_task_definition", "web", "arn") } },
    aws_appautoscaling_target: {
      web: { service_namespace: "ecs", min_capacity: 2, max_capacity: 50, resource_id: `service/${ref("aws_ecs_cluster", "c", "name")}/${ref("aws_ecs_service", "web", "name")}` },
    },
    aws_appautoscaling_scheduled_action: {
      prewarm: { resource_id: ref("aws_appautoscaling_target", "web", "resource_id"), schedule: "at(2027-01-15T02:00:00)", timezone: "UTC", scalable_target_action: { min_capacity: "10" } },
      down: { resource_id: ref("aws_appautoscaling_target", "web", "resource_id"), schedule: "at(2027-01-15T06:00:00)", timezone: "UTC", scalable_target_action: { min_capacity: "2" } },
    },
    aws_vpc_endpoint: {
      secrets: { vpc_endpoint_type: "Interface", subnet_ids: ["s-a", "s-b", "s-c"] },
      s3: { vpc_endpoint_type: "Gateway" },
    },
    aws_wafv2_web_acl: { acl: { provider: "aws.us_east_1", rule: [{}, {}, {}] } },
    aws_kms_key: { a: {}, b: {} },
    aws_route53_zone: { zone: {} },
    aws_sqs_queue: { orders: {} },
    aws_cloudfront_distribution: { cdn: {} },
  },
};

const prices = { "ap-northeast-2": ROUND, "us-east-1": { ...ROUND, region: "us-east-1" } };
// 00:00 to 10:00 UTC, in the calendar's zone as the catalog resolves it.
const window = { spinUpAt: DateTime.fromISO("2027-01-15T09:00:00", { zone: "Asia/Seoul" }), teardownAt: DateTime.fromISO("2027-01-15T19:00:00", { zone: "Asia/Seoul" }) };

// By hand: NAT 2 × 0.05 + ALB 0.02 + ACU 2 instances × 2 × 0.1 + Redis 2 × 0.25 + DMS 2 (Multi-AZ) × 0.3
// + Fargate 2 tasks × (1 vCPU × 0.04 + 2 GB × 0.004) + endpoint 3 AZ × 0.01
const HOURLY = 2 * 0.05 + 0.02 + 2 * 2 * 0.1 + 2 * 0.25 + 2 * 0.3 + 2 * (1 * 0.04 + 2 * 0.004) + 3 * 0.01;
// DMS storage 100 GB × 2 × 0.1 + WAF 5 + 3 × 1 + KMS 2 × 1 + RDS-managed secret 0.4 + zone 0.5
const MONTHLY = 100 * 2 * 0.1 + 5 + 3 * 1 + 2 * 1 + 0.4 + 0.5;
// Pre-warm: 8 tasks above the minimum from 02:00 to 06:00, each 1 vCPU and 2 GB.
const PREWARM = 8 * 4 * (0.04 + 2 * 0.004);

describe("the cost estimate of a stack", () => {
  const estimate = estimateStack({ stack: "event-x", json: eventStack, lifetime: "ephemeral", window, prices });

  it("sums hourly items and monthly items prorated by the hour", () => {
    expect(HOURLY).toBeCloseTo(1.746, 10);
    expect(MONTHLY).toBeCloseTo(30.9, 10);
    expect(estimate.perHour).toBeCloseTo(HOURLY + MONTHLY / HOURS_PER_MONTH, 10);
    expect(estimate.perMonth).toBeCloseTo(HOURLY * 730 + MONTHLY, 10);
  });

  it("reads quantities from the configuration: instance counts, Multi-AZ, ACU minimum, tasks, subnets, rules", () => {
    const quantity = (what: RegExp) => estimate.items.filter((i) => what.test(i.what)).map((i) => i.quantity);
    expect(quantity(/^NAT gateway$/)).toEqual([1, 1]);
    expect(quantity(/^Aurora Serverless v2 \(2 ACU minimum\)$/)).toEqual([2, 2]);
    expect(quantity(/^ElastiCache cache\.r7g\.large$/)).toEqual([2]);
    expect(quantity(/^DMS dms\.r6i\.large \(Multi-AZ\)$/)).toEqual([2]);
    expect(quantity(/^DMS storage/)).toEqual([200]);
    expect(quantity(/^Fargate vCPU/)).toEqual([2]);
    expect(quantity(/^Fargate memory/)).toEqual([4]);
    expect(quantity(/^VPC interface endpoint/)).toEqual([3]);
    expect(quantity(/^WAF rules$/)).toEqual([3]);
    expect(estimate.items.find((i) => i.what === "WAF web ACL")?.region).toBe("us-east-1");
    expect(estimate.items.find((i) => i.address === "aws_nat_gateway.a")?.constructPath).toBe("ev/network/nat-a");
  });

  it("prices an event's whole life with its scheduled pre-warm, and the saving against a month", () => {
    const event = estimate.event!;
    expect(event.hours).toBe(10);
    expect(event.prewarm).toEqual([expect.objectContaining({ address: "aws_ecs_service.web", taskHours: 32 })]);
    expect(event.prewarm[0]!.usd).toBeCloseTo(PREWARM, 10);
    expect(event.life).toBeCloseTo((HOURLY + MONTHLY / 730) * 10 + PREWARM, 10);
    expect(event.keptUpMonth).toBeCloseTo(HOURLY * 730 + MONTHLY, 10);
    expect(event.saving).toBeCloseTo(1 - event.life / event.keptUpMonth, 10);
    expect(summarizeCost(estimate)).toBe(
      "$1.79 per hour while up; $19.42 for its life (10 h, spin-up 2027-01-15T09:00:00+09:00 to teardown 2027-01-15T19:00:00+09:00, of which $1.54 pre-warm); " +
        "$1,305.48 if kept up all month at its minimum, so 98.5% less",
    );
  });

  it("lists what is billed by use instead of guessing it", () => {
    const whats = estimate.notEstimated.map((n) => n.what);
    expect(whats).toEqual(expect.arrayContaining(["SQS requests", "CloudFront requests and data transfer", "NAT gateway data processed", "load balancer capacity units (LCU)"]));
    expect(estimate.items.some((i) => i.address.startsWith("aws_vpc_endpoint.s3"))).toBe(false);
  });

  it("names a resource it has no price for, and where to add one", () => {
    const json: StackJson = { provider: { aws: [{ region: "eu-west-9" }] }, resource: { aws_nat_gateway: { a: {} } } };
    const e = estimateStack({ stack: "x", json, prices });
    expect(e.items).toEqual([]);
    expect(e.notEstimated.map((n) => n.what)).toContain('NAT gateway (no price for "nat-gateway" in a eu-west-9 table: add src/ci/prices)');
  });

  it("shows a permanent stack per month and event-edge as idle cost", () => {
    expect(summarizeCost(estimateStack({ stack: "p", json: { provider: { aws: [{ region: "ap-northeast-2" }] }, resource: { aws_kms_key: { k: {} } } }, prices }))).toBe("$1.00 per month");
    expect(summarizeCost(estimateStack({ stack: "event-edge", idle: true, json: { provider: { aws: [{ region: "ap-northeast-2" }] }, resource: { aws_kms_key: { k: {} } } }, prices }))).toBe(
      "$1.00 per month idle (permanent, shared by every event)",
    );
  });

  it("rejects an event window that ends before it starts", () => {
    expect(() => estimateStack({ stack: "e", json: eventStack, window: { spinUpAt: window.teardownAt, teardownAt: window.spinUpAt }, prices })).toThrow(
      /event window: teardown .* must be after spin-up/,
    );
  });
});

describe("the shipped price tables", () => {
  it.each(Object.values(PRICE_TABLES))("$region says its date and source and holds positive prices", (table) => {
    expect(table.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.source).toMatch(/AWS public pricing/);
    for (const value of [...Object.values(table.hourly), ...Object.values(table.monthly)]) expect(value).toBeGreaterThan(0);
  });

  it("are named in the output with their date and source", () => {
    const e = estimateStack({ stack: "p", json: { provider: { aws: [{ region: "ap-northeast-2" }] }, resource: { aws_kms_key: { k: {} } } } });
    expect(describeCostTable([e])).toBe(
      `Prices: ap-northeast-2 table of ${PRICE_TABLES["ap-northeast-2"]!.date} (${PRICE_TABLES["ap-northeast-2"]!.source}); monthly = 730 hours. Estimates, not a bill.`,
    );
  });
});
