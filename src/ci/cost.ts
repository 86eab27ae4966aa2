/**
 * Cost estimate of a synthesized stack from the dated price tables in `./prices`: what its
 * time-billed resources cost per hour and per month (NAT gateways, load balancers, EKS, Aurora,
 * ElastiCache, DMS, Fargate tasks, WAF, KMS keys, secrets, hosted zones, interface endpoints,
 * alarms), with quantities read from the synthesized Terraform JSON (instance classes, node
 * counts, desired task counts, Serverless v2 minimum capacity, subnets per endpoint).
 *
 * An event stack is priced for its whole life, spin-up to teardown from the calendar, including
 * the scheduled pre-warm of its services, and compared with keeping it up all month. Anything
 * billed by use (requests, data, storage growth, capacity above the minimum) is listed as not
 * estimated, never guessed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { StackCatalog } from "../topology/stack-catalog";
import { HOURS_PER_MONTH, PRICE_TABLES, type PriceTable } from "./prices";

type Block = Record<string, unknown>;
/** The parts of a synthesized stack (`cdk.tf.json`) the estimate reads. */
export interface StackJson {
  readonly provider?: { readonly aws?: readonly Block[] };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
}

/** One priced resource. */
export interface CostItem {
  readonly address: string;
  /** Construct path from cdktf's metadata, when present. */
  readonly constructPath?: string;
  /** What is billed, e.g. `NAT gateway`, `Aurora db.r7g.large`, `Fargate vCPU`. */
  readonly what: string;
  readonly quantity: number;
  readonly region: string;
  /** USD per hour of the item (0 for monthly items). */
  readonly perHour: number;
  /** USD per month of the item (0 for hourly items); prorated by the hour like AWS bills it. */
  readonly perMonth: number;
}

/** Something billed by use, or with no price in the table: named, not guessed. */
export interface NotEstimated {
  readonly what: string;
  readonly addresses: readonly string[];
}

/** Extra cost of scheduled scaling inside an event's life (the pre-warm before the sale opens). */
export interface ScheduledCost {
  readonly address: string;
  readonly what: string;
  /** Task-hours above the service's minimum. */
  readonly taskHours: number;
  readonly usd: number;
}

export interface EventCost {
  readonly spinUpAt: string;
  readonly teardownAt: string;
  /** Hours from spin-up to the start of teardown. */
  readonly hours: number;
  /** USD for the whole life: hourly rate × hours + scheduled pre-warm. */
  readonly life: number;
  readonly prewarm: readonly ScheduledCost[];
  /** USD if the environment stayed up a whole month at its minimum. */
  readonly keptUpMonth: number;
  /** 1 - life / keptUpMonth. */
  readonly saving: number;
}

export interface CostEstimate {
  readonly stack: string;
  readonly lifetime: "permanent" | "ephemeral";
  /** A permanent stack that exists only to serve events (`event-edge`): its cost is idle cost. */
  readonly idle: boolean;
  readonly items: readonly CostItem[];
  readonly notEstimated: readonly NotEstimated[];
  /** USD per hour with monthly items prorated: the rate while the stack exists. */
  readonly perHour: number;
  /** USD per month (perHour × 730). */
  readonly perMonth: number;
  readonly event?: EventCost;
  /** The price tables used, with their date and source. */
  readonly tables: readonly Pick<PriceTable, "region" | "date" | "source">[];
}

export interface EstimateInput {
  readonly stack: string;
  readonly json: StackJson;
  /** @default "permanent" */
  readonly lifetime?: "permanent" | "ephemeral";
  /** Permanent stack that only serves events. @default false */
  readonly idle?: boolean;
  /** Event stacks: spin-up and the start of teardown. @default none: no life cost */
  readonly window?: { readonly spinUpAt: DateTime; readonly teardownAt: DateTime };
  /** Price tables by region. @default {@link PRICE_TABLES} */
  readonly prices?: Readonly<Record<string, PriceTable>>;
}

/** Usage-billed parts of resource types, named in the "not estimated" list. */
const USAGE: Readonly<Record<string, string>> = {
  aws_cloudfront_distribution: "CloudFront requests and data transfer",
  aws_s3_bucket: "S3 storage and requests",
  aws_sqs_queue: "SQS requests",
  aws_lambda_function: "Lambda invocations",
  aws_kinesis_firehose_delivery_stream: "Firehose data ingested",
  aws_ecr_repository: "ECR image storage",
  aws_cloudwatch_log_group: "CloudWatch Logs ingestion and storage",
  aws_flow_log: "VPC flow log delivery",
  aws_backup_plan: "AWS Backup storage",
  aws_cloudtrail: "CloudTrail data events",
  aws_lb: "load balancer capacity units (LCU)",
  aws_nat_gateway: "NAT gateway data processed",
  aws_rds_cluster: "Aurora storage, I/O and capacity above the minimum",
  aws_sfn_state_machine: "Step Functions state transitions",
  aws_scheduler_schedule: "EventBridge Scheduler invocations",
  aws_wafv2_web_acl: "WAF requests",
  aws_kms_key: "KMS requests",
  aws_route53_record: "Route 53 queries",
  aws_ecs_service: "Fargate tasks above the scheduled minimum (autoscaling)",
  aws_eks_cluster: "EKS worker nodes started by Karpenter",
  aws_vpc_endpoint: "VPC endpoint data processed",
  aws_dms_replication_instance: "DMS data transfer",
  aws_elasticache_replication_group: "ElastiCache backup storage",
};

/** Estimates one synthesized stack. Resource types it cannot price are listed, never silently skipped. */
export function estimateStack(input: EstimateInput): CostEstimate {
  const prices = input.prices ?? PRICE_TABLES;
  const json = input.json;
  const resources = json.resource ?? {};
  const regions = providerRegions(json);
  const items: CostItem[] = [];
  const unpriced = new Map<string, string[]>();
  const usage = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, what: string, address: string) => map.set(what, [...(map.get(what) ?? []), address]);
  const usedTables = new Set<string>();

  const each = (type: string, fn: (address: string, body: Block, count: number, region: string, path: string | undefined) => void) => {
    for (const [name, body] of Object.entries(resources[type] ?? {})) {
      const count = typeof body.count === "number" ? body.count : 1;
      if (count === 0) continue;
      const region = regions.get(typeof body.provider === "string" ? body.provider : "aws") ?? regions.get("aws") ?? "unknown";
      fn(`${type}.${name}`, body, count, region, metadataPath(body));
    }
  };
  const price = (address: string, path: string | undefined, region: string, what: string, key: string, quantity: number, per: "hour" | "month") => {
    const table = prices[region];
    const unit = per === "hour" ? table?.hourly[key] : table?.monthly[key];
    if (unit === undefined) {
      note(unpriced, `${what} (no price for "${key}" in ${table ? `the ${region} table` : `a ${region} table: add src/ci/prices`})`, address);
      return;
    }
    usedTables.add(region);
    items.push({
      address,
      ...(path ? { constructPath: path } : {}),
      what,
      quantity,
      region,
      perHour: per === "hour" ? unit * quantity : 0,
      perMonth: per === "month" ? unit * quantity : 0,
    });
  };

  each("aws_nat_gateway", (a, _b, n, r, p) => price(a, p, r, "NAT gateway", "nat-gateway", n, "hour"));
  each("aws_eip", (a, _b, n, r, p) => price(a, p, r, "public IPv4 address", "public-ipv4", n, "hour"));
  each("aws_lb", (a, b, n, r, p) => {
    const kind = (b.load_balancer_type as string | undefined) ?? "application";
    if (kind === "application") price(a, p, r, "Application Load Balancer", "alb", n, "hour");
    else if (kind === "network") price(a, p, r, "Network Load Balancer", "nlb", n, "hour");
    else note(unpriced, `${kind} load balancer`, a);
  });
  each("aws_eks_cluster", (a, _b, n, r, p) => price(a, p, r, "EKS cluster", "eks-cluster", n, "hour"));
  each("aws_eks_node_group", (a, b, n, r, p) => {
    const types = (b.instance_types as string[] | undefined) ?? ["t3.medium"];
    const desired = Number((b.scaling_config as Block | undefined)?.desired_size ?? 1);
    if (b.capacity_type === "SPOT") note(usage, "EKS Spot nodes", a);
    // Managed node groups launch the first listed type while it has capacity.
    else price(a, p, r, `EC2 ${types[0]} (node group)`, `ec2:${types[0]}`, desired * n, "hour");
  });
  each("aws_rds_cluster", (a, b, n, r, p) => {
    // RDS keeps the managed master password as a Secrets Manager secret, billed like any secret.
    if (b.manage_master_user_password === true) price(a, p, r, "Secrets Manager secret (RDS-managed password)", "secretsmanager-secret", n, "month");
  });
  each("aws_rds_cluster_instance", (a, b, n, r, p) => {
    const klass = String(b.instance_class ?? "");
    if (klass === "db.serverless") {
      const cluster = referenced(b.cluster_identifier, "aws_rds_cluster", resources) ?? onlyOne(resources.aws_rds_cluster);
      const min = Number((cluster?.serverlessv2_scaling_configuration as Block | undefined)?.min_capacity ?? Number.NaN);
      if (Number.isNaN(min)) note(unpriced, "Aurora Serverless v2 instance (no minimum capacity found)", a);
      // The minimum is what it costs idle; capacity above it is billed by use.
      else price(a, p, r, `Aurora Serverless v2 (${min} ACU minimum)`, "aurora-serverless-v2-acu", min * n, "hour");
    } else {
      price(a, p, r, `Aurora ${klass}`, `aurora:${klass}`, n, "hour");
    }
  });
  each("aws_elasticache_replication_group", (a, b, n, r, p) => {
    const nodes =
      typeof b.num_cache_clusters === "number"
        ? b.num_cache_clusters
        : (typeof b.num_node_groups === "number" ? b.num_node_groups : 1) * (1 + (typeof b.replicas_per_node_group === "number" ? b.replicas_per_node_group : 0));
    price(a, p, r, `ElastiCache ${String(b.node_type)}`, `elasticache:${String(b.node_type)}`, nodes * n, "hour");
  });
  each("aws_elasticache_cluster", (a, b, n, r, p) =>
    price(a, p, r, `ElastiCache ${String(b.node_type)}`, `elasticache:${String(b.node_type)}`, Number(b.num_cache_nodes ?? 1) * n, "hour"),
  );
  each("aws_dms_replication_instance", (a, b, n, r, p) => {
    // Multi-AZ runs a standby instance with its own storage: both are billed.
    const copies = b.multi_az === true ? 2 : 1;
    const klass = String(b.replication_instance_class);
    price(a, p, r, `DMS ${klass}${copies === 2 ? " (Multi-AZ)" : ""}`, `dms:${klass}`, copies * n, "hour");
    price(a, p, r, "DMS storage (GB)", "dms-storage-gb", Number(b.allocated_storage ?? 50) * copies * n, "month");
  });
  each("aws_ecs_service", (a, b, n, r, p) => {
    const task = fargateTask(b, resources);
    if (!task) {
      note(unpriced, "ECS service not on Fargate, or without a task definition in the stack", a);
      return;
    }
    const desired = Number(b.desired_count ?? 0) * n;
    price(a, p, r, `Fargate vCPU (${desired} × ${task.vcpu} vCPU)`, "fargate-vcpu", desired * task.vcpu, "hour");
    price(a, p, r, `Fargate memory (${desired} × ${task.gb} GB)`, "fargate-gb", desired * task.gb, "hour");
  });
  each("aws_wafv2_web_acl", (a, b, n, r, p) => {
    price(a, p, r, "WAF web ACL", "waf-web-acl", n, "month");
    const rules = Array.isArray(b.rule) ? b.rule.length : 0;
    if (rules > 0) price(a, p, r, "WAF rules", "waf-rule", rules * n, "month");
  });
  each("aws_kms_key", (a, _b, n, r, p) => price(a, p, r, "KMS key", "kms-key", n, "month"));
  each("aws_secretsmanager_secret", (a, _b, n, r, p) => price(a, p, r, "Secrets Manager secret", "secretsmanager-secret", n, "month"));
  each("aws_route53_zone", (a, _b, n, r, p) => price(a, p, r, "Route 53 hosted zone", "route53-hosted-zone", n, "month"));
  each("aws_vpc_endpoint", (a, b, n, r, p) => {
    if ((b.vpc_endpoint_type ?? "Gateway") !== "Interface") return; // gateway endpoints (S3, DynamoDB) are free
    const azs = Array.isArray(b.subnet_ids) ? b.subnet_ids.length : 1;
    price(a, p, r, `VPC interface endpoint (${azs} AZ)`, "vpc-interface-endpoint-az", azs * n, "hour");
  });
  each("aws_cloudwatch_metric_alarm", (a, b, n, r, p) => {
    const metrics = Array.isArray(b.metric_query) ? b.metric_query.filter((q) => (q as Block).metric !== undefined).length : 0;
    price(a, p, r, "CloudWatch alarm metric", "cloudwatch-alarm-metric", Math.max(1, metrics) * n, "month");
  });
  each("aws_cloudwatch_dashboard", (a, _b, n, r, p) => price(a, p, r, "CloudWatch dashboard", "cloudwatch-dashboard", n, "month"));

  for (const [type, what] of Object.entries(USAGE)) each(type, (a) => note(usage, what, a));

  const perHour = items.reduce((sum, i) => sum + i.perHour + i.perMonth / HOURS_PER_MONTH, 0);
  const lifetime = input.lifetime ?? "permanent";
  const notEstimated = [...usage, ...unpriced].map(([what, addresses]) => ({ what, addresses })).sort((x, y) => x.what.localeCompare(y.what));
  return {
    stack: input.stack,
    lifetime,
    idle: input.idle === true,
    items,
    notEstimated,
    perHour,
    perMonth: perHour * HOURS_PER_MONTH,
    ...(input.window ? { event: eventCost(json, perHour, input.window, prices, regions) } : {}),
    tables: [...usedTables].sort().map((region) => ({ region, date: prices[region]!.date, source: prices[region]!.source })),
  };
}

function eventCost(
  json: StackJson,
  perHour: number,
  window: { readonly spinUpAt: DateTime; readonly teardownAt: DateTime },
  prices: Readonly<Record<string, PriceTable>>,
  regions: ReadonlyMap<string, string>,
): EventCost {
  const hours = window.teardownAt.diff(window.spinUpAt, "hours").hours;
  if (!(hours > 0)) throw new Error(`event window: teardown (${window.teardownAt.toISO()}) must be after spin-up (${window.spinUpAt.toISO()})`);
  const prewarm = scheduledScaling(json, window, prices, regions);
  const life = perHour * hours + prewarm.reduce((sum, s) => sum + s.usd, 0);
  const keptUpMonth = perHour * HOURS_PER_MONTH;
  return {
    spinUpAt: window.spinUpAt.toISO({ suppressMilliseconds: true }) ?? "",
    teardownAt: window.teardownAt.toISO({ suppressMilliseconds: true }) ?? "",
    hours,
    life,
    prewarm,
    keptUpMonth,
    saving: keptUpMonth > 0 ? 1 - life / keptUpMonth : 0,
  };
}

/**
 * Task-hours above each Fargate service's minimum from its one-time scheduled actions
 * (`at(...)`: the pre-warm before the sale opens and the scale-down after it closes), inside the window.
 */
function scheduledScaling(
  json: StackJson,
  window: { readonly spinUpAt: DateTime; readonly teardownAt: DateTime },
  prices: Readonly<Record<string, PriceTable>>,
  regions: ReadonlyMap<string, string>,
): ScheduledCost[] {
  const resources = json.resource ?? {};
  const out: ScheduledCost[] = [];
  for (const [targetName, target] of Object.entries(resources.aws_appautoscaling_target ?? {})) {
    if (target.service_namespace !== "ecs") continue;
    const serviceName = /\$\{aws_ecs_service\.([^.}]+)\.name\}/.exec(String(target.resource_id ?? ""))?.[1];
    const service = serviceName ? resources.aws_ecs_service?.[serviceName] : undefined;
    if (!serviceName || !service) continue;
    const task = fargateTask(service, resources);
    const region = regions.get(typeof service.provider === "string" ? service.provider : "aws") ?? regions.get("aws") ?? "";
    const table = prices[region];
    if (!task || table?.hourly["fargate-vcpu"] === undefined || table.hourly["fargate-gb"] === undefined) continue;
    const baseline = Number(target.min_capacity ?? service.desired_count ?? 0);
    const steps = Object.values(resources.aws_appautoscaling_scheduled_action ?? {})
      .filter((s) => String(s.resource_id ?? "").includes(`aws_appautoscaling_target.${targetName}.`))
      .flatMap((s) => {
        const at = /^at\((.+)\)$/.exec(String(s.schedule ?? ""))?.[1];
        const min = Number((s.scalable_target_action as Block | undefined)?.min_capacity);
        if (!at || Number.isNaN(min)) return [];
        const when = DateTime.fromISO(at, { zone: typeof s.timezone === "string" ? s.timezone : "UTC" });
        return when.isValid ? [{ when, min }] : [];
      })
      .sort((x, y) => x.when.toMillis() - y.when.toMillis());
    let taskHours = 0;
    steps.forEach((step, i) => {
      const from = DateTime.max(step.when, window.spinUpAt);
      const to = DateTime.min(steps[i + 1]?.when ?? window.teardownAt, window.teardownAt);
      const span = to.diff(from, "hours").hours;
      if (span > 0 && step.min > baseline) taskHours += (step.min - baseline) * span;
    });
    if (taskHours === 0) continue;
    const usd = taskHours * (task.vcpu * table.hourly["fargate-vcpu"] + task.gb * table.hourly["fargate-gb"]);
    out.push({ address: `aws_ecs_service.${serviceName}`, what: `Fargate pre-warm (${task.vcpu} vCPU, ${task.gb} GB tasks)`, taskHours, usd });
  }
  return out;
}

/** vCPU and GB of a Fargate service's task definition (found through its `task_definition` reference). */
function fargateTask(service: Block, resources: NonNullable<StackJson["resource"]>): { vcpu: number; gb: number } | undefined {
  const onFargate =
    service.launch_type === "FARGATE" ||
    (Array.isArray(service.capacity_provider_strategy) && service.capacity_provider_strategy.some((c) => String((c as Block).capacity_provider).startsWith("FARGATE")));
  if (!onFargate) return undefined;
  const task = referenced(service.task_definition, "aws_ecs_task_definition", resources);
  if (!task || task.cpu === undefined || task.memory === undefined) return undefined;
  return { vcpu: Number(task.cpu) / 1024, gb: Number(task.memory) / 1024 };
}

/** The resource of `type` a `${type.name.attr}` reference points to. */
function referenced(value: unknown, type: string, resources: NonNullable<StackJson["resource"]>): Block | undefined {
  const name = new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(String(value ?? ""))?.[1];
  return name ? resources[type]?.[name] : undefined;
}

function onlyOne(blocks: Readonly<Record<string, Block>> | undefined): Block | undefined {
  const all = Object.values(blocks ?? {});
  return all.length === 1 ? all[0] : undefined;
}

function metadataPath(body: Block): string | undefined {
  const path = (body["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata?.path;
  return typeof path === "string" ? path : undefined;
}

/** Region of each AWS provider reference (`aws`, `aws.us_east_1`). */
function providerRegions(json: StackJson): Map<string, string> {
  const regions = new Map<string, string>();
  for (const p of json.provider?.aws ?? []) {
    const region = typeof p.region === "string" ? p.region : undefined;
    if (!region) continue;
    regions.set(typeof p.alias === "string" ? `aws.${p.alias}` : "aws", region);
  }
  return regions;
}

/** `$1,234.56`. */
export function usd(value: number): string {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** One line per stack: the figures a reviewer compares. */
export function summarizeCost(c: CostEstimate): string {
  if (c.event) {
    const e = c.event;
    const prewarm = e.prewarm.reduce((sum, s) => sum + s.usd, 0);
    return (
      `${usd(c.perHour)} per hour while up; ${usd(e.life)} for its life (${formatHours(e.hours)}, spin-up ${e.spinUpAt} to teardown ${e.teardownAt}` +
      `${prewarm > 0 ? `, of which ${usd(prewarm)} pre-warm` : ""}); ${usd(e.keptUpMonth)} if kept up all month at its minimum, so ${(e.saving * 100).toFixed(1)}% less`
    );
  }
  if (c.idle) return `${usd(c.perMonth)} per month idle (permanent, shared by every event)`;
  return `${usd(c.perMonth)} per month`;
}

function formatHours(hours: number): string {
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

/** "Prices: ap-northeast-2 and us-east-1 tables of 2026-12-03 (source)." */
export function describeCostTable(costs: readonly CostEstimate[]): string {
  const tables = new Map(costs.flatMap((c) => c.tables).map((t) => [t.region, t]));
  if (tables.size === 0) return "No price table used.";
  const dates = [...new Set([...tables.values()].map((t) => t.date))].sort();
  const sources = [...new Set([...tables.values()].map((t) => t.source))];
  return `Prices: ${[...tables.keys()].sort().join(", ")} table${tables.size === 1 ? "" : "s"} of ${dates.join(", ")} (${sources.join("; ")}); monthly = 730 hours. Estimates, not a bill.`;
}

/**
 * Cost estimates of the synthesized stacks that use AWS, in catalog order: permanent stacks per
 * month, `event-edge` as idle cost, event stacks per hour and for their life from the calendar.
 * Stacks the catalog does not know are estimated as permanent.
 */
export function estimateStacks(synthDir: string, catalog: StackCatalog, ids?: readonly string[]): CostEstimate[] {
  const order = new Map(catalog.ids().map((id, i) => [id, i]));
  const wanted = (ids ?? catalog.ids()).filter((id) => existsSync(join(synthDir, "stacks", id, "cdk.tf.json")));
  return [...wanted]
    .sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b))
    .flatMap((id) => {
      const json = JSON.parse(readFileSync(join(synthDir, "stacks", id, "cdk.tf.json"), "utf8")) as StackJson;
      if ((json.provider?.aws ?? []).length === 0) return [];
      const entry = catalog.find(id);
      return [
        estimateStack({
          stack: id,
          json,
          lifetime: entry?.kind ?? "permanent",
          idle: entry?.type === "event-edge",
          ...(entry?.event ? { window: { spinUpAt: entry.event.spinUpAt, teardownAt: entry.event.teardownAt } } : {}),
        }),
      ];
    });
}
