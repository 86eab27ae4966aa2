import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DmsTableMappings } from "../../modules/data/dms-table-mappings";
import type { DmsTaskSettings } from "../../modules/data/dms-task-settings";
import { buildApp } from "../../src/app/app";
import { remoteStateReads } from "../../src/ci/catalog-drift";
import type { Config } from "../../src/config";
import { eventResourceNames, eventResourcePatterns } from "../../src/config/event-resources";
import { DATA_CHECK_ENV, POST_APPLY_ENV } from "../../src/lifecycle/post-apply-config";
import { synthApp } from "../helpers/app";
import { configWith } from "../helpers/config";
import { listOf, parseJsonAttribute, resourcesOf, type TerraformJson } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

// The whole app is synthesized: cross-stack references (prod and event-edge -> event) resolve only there.
function synthStacks(config: Config): (id: string) => TerraformJson {
  const outdir = synthApp(config);
  return (id) => JSON.parse(readFileSync(join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson;
}

interface Policy {
  Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[]; Condition?: unknown }[];
}

const config = fixtureConfig();
const built = buildApp(config, { clock: fixtureClock });
const stacks = synthStacks(config);
const sale = stacks("event-xmas-mega-sale");
const prod = stacks("prod");
const names = eventResourceNames(config, config.events.calendar[0]!);
const EDGE = "data.terraform_remote_state.cross-stack-reference-input-event-edge.outputs";
const PROD = "data.terraform_remote_state.cross-stack-reference-input-prod.outputs";

const one = (type: string) => {
  const all = listOf(sale, type);
  expect(all, type).toHaveLength(1);
  return all[0]!;
};
const byPath = (type: string, fragment: string) => Object.values(resourcesOf(sale, type)).filter((r) => (r["//"] as { metadata: { path: string } }).metadata.path.includes(fragment));

describe("event stack: network and cross-stack reads", () => {
  it("reads exactly the event edge and the environment it syncs to", () => {
    expect(remoteStateReads(sale)).toEqual(["event-edge", "prod"]);
  });

  it("peers with the prod VPC read from prod's state, auto-accepted in the shared account", () => {
    const [peering] = listOf(sale, "aws_vpc_peering_connection");
    expect(peering).toEqual(expect.objectContaining({ auto_accept: true, peer_vpc_id: expect.stringContaining(PROD) }));
    expect(Object.keys(prod.output ?? {}).length).toBeGreaterThan(0);
  });

  it("routes between the event data subnets and the prod data subnets only", () => {
    const routes = listOf(sale, "aws_route").filter((r) => r.vpc_peering_connection_id);
    const toProd = routes.filter((r) => String(r.route_table_id).includes("aws_route_table.network_data-rt_")).map((r) => r.destination_cidr_block);
    const toEvent = routes.filter((r) => String(r.route_table_id).includes("terraform_remote_state")).map((r) => r.destination_cidr_block);
    expect(toProd.sort()).toEqual(["10.0.68.0/24", "10.0.69.0/24", "10.0.70.0/24"]);
    expect(toEvent.sort()).toEqual(["10.64.9.0/26", "10.64.9.128/26", "10.64.9.64/26"]);
    expect(routes).toHaveLength(6);
  });

  it("reaches Secrets Manager privately (DMS reads its endpoint credentials from the data subnets)", () => {
    const endpoints = listOf(sale, "aws_vpc_endpoint").map((e) => e.service_name);
    expect(endpoints).toContain("com.amazonaws.ap-northeast-2.secretsmanager");
  });

  it("uses an assumed-role provider locked to prod's account for a cross-account peering, and names the DMS subnets in prod's rule", () => {
    const json = synthStacks(
      configWith((c) => {
        c.events.platform.account = "410987654321";
        c.events.platform.peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/event-peering-accepter" };
      }),
    )("event-xmas-mega-sale");
    const accepter = json.provider!.aws!.find((p) => p.alias === "accepter")!;
    expect(accepter).toEqual(
      expect.objectContaining({
        allowed_account_ids: ["210987654321"],
        assume_role: [expect.objectContaining({ role_arn: "arn:aws:iam::210987654321:role/event-peering-accepter" })],
      }),
    );
    expect(listOf(json, "aws_vpc_peering_connection_accepter")).toEqual([expect.objectContaining({ provider: "aws.accepter" })]);
    const intoProd = listOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes(PROD));
    expect(intoProd.map((r) => [r.provider, r.cidr_ipv4, r.referenced_security_group_id])).toEqual([
      ["aws.accepter", "10.64.9.0/26", undefined],
      ["aws.accepter", "10.64.9.64/26", undefined],
      ["aws.accepter", "10.64.9.128/26", undefined],
    ]);
  });
});

describe("event stack: load balancer and origin name", () => {
  const lb = one("aws_lb");
  const rules = listOf(sale, "aws_lb_listener_rule").sort((a, b) => (a.priority as number) - (b.priority as number));

  it("is deletable (the stack is destroyed after the sale) and logs to event-edge's permanent bucket", () => {
    expect(lb.enable_deletion_protection).toBe(false);
    expect(lb.access_logs).toEqual({ bucket: expect.stringContaining(EDGE), prefix: "alb/xmas-mega-sale", enabled: true });
    expect(listOf(sale, "aws_s3_bucket")).toEqual([]);
  });

  it("admits only CloudFront's origin-facing prefix list, on 443 and 80", () => {
    const ingress = listOf(sale, "aws_vpc_security_group_ingress_rule").filter((r) => r.prefix_list_id);
    expect(ingress.map((r) => [r.from_port, r.prefix_list_id]).sort()).toEqual([
      [443, "pl-22a6434b"],
      [80, "pl-22a6434b"],
    ]);
    expect(listOf(sale, "aws_vpc_security_group_ingress_rule").some((r) => r.cidr_ipv4 === "0.0.0.0/0")).toBe(false);
  });

  it("serves the regional *.<domain> certificate validated in event-edge", () => {
    const https = listOf(sale, "aws_lb_listener").find((l) => l.port === 443)!;
    expect(https.certificate_arn).toEqual(expect.stringContaining(`${EDGE}.cross-stack-output-aws_acm_certificate_validationorigin-certificate_validation`));
  });

  it("forwards only with this event's origin secret, the API's paths before the storefront's catch-all", () => {
    expect(rules.map((r) => [r.priority, (r.condition as { path_pattern?: { values: string[] } }[])[1]!.path_pattern!.values])).toEqual([
      [10, ["/api/*"]],
      [20, ["/*"]],
    ]);
    for (const rule of rules) {
      expect((rule.condition as { http_header?: { http_header_name: string; values: string[] } }[])[0]!.http_header).toEqual({
        http_header_name: "X-Origin-Verify",
        values: [expect.stringMatching(/^\$\{sensitive\(data\.terraform_remote_state\.cross-stack-reference-input-event-edge\.outputs\.cross-stack-output-terraform_dataorigin-verify-xmas-mega-sale_secret_/)],
      });
    }
  });

  it("points origin-<slug>.<domain> at the load balancer, in the event zone", () => {
    expect(one("aws_route53_record")).toEqual(
      expect.objectContaining({
        name: names.originHostname,
        type: "A",
        zone_id: "Z0210987654321SALEZONE",
        alias: expect.objectContaining({ name: expect.stringMatching(/^\$\{aws_lb\.alb_[A-Z0-9]+\.dns_name\}$/), zone_id: expect.stringMatching(/^\$\{aws_lb\.alb_[A-Z0-9]+\.zone_id\}$/) }),
      }),
    );
  });
});

describe("event stack: services", () => {
  const services = listOf(sale, "aws_ecs_service");
  const taskDefinitions = listOf(sale, "aws_ecs_task_definition");
  const container = (service: string) =>
    parseJsonAttribute<Record<string, unknown>[]>(taskDefinitions.find((t) => t.family === `flashcrowd-event-xmas-mega-sale-${service}`)!.container_definitions)[0]!;

  it("runs every configured service on Fargate in the private subnets, without public IPs", () => {
    expect(services.map((s) => s.name).sort()).toEqual(["api", "web", "worker"].map((s) => `flashcrowd-event-xmas-mega-sale-${s}`));
    for (const s of services) expect((s.network_configuration as { assign_public_ip: boolean }).assign_public_ip).toBe(false);
    const cluster = one("aws_ecs_cluster");
    expect(cluster).toEqual(expect.objectContaining({ name: "flashcrowd-event-xmas-mega-sale-ecs", setting: [{ name: "containerInsights", value: "enabled" }] }));
  });

  it.each(["web", "api", "worker"])("%s runs its configured release from its event repository (event-edge), read-only, logging to CloudWatch", (service) => {
    const c = container(service);
    expect(c.image).toMatch(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-event-edge\\.outputs\\.cross-stack-output-aws_ecr_repositoryecr-${service}_repository_[A-Z0-9]+repository_url\\}:2026\\.11\\.3$`));
    expect(c.readonlyRootFilesystem).toBe(true);
    expect((c.logConfiguration as { logDriver: string }).logDriver).toBe("awslogs");
  });

  it("gives the database credentials through Secrets Manager (the RDS-managed secret), never in the environment", () => {
    const c = container("api");
    expect(c.secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: expect.stringMatching(/aws_rds_cluster\.aurora_cluster_[A-Z0-9]+\.master_user_secret\[0\]\.secret_arn\}:password::$/) },
      { name: "DB_USERNAME", valueFrom: expect.stringMatching(/:username::$/) },
    ]);
    expect((c.environment as { name: string }[]).map((e) => e.name)).toEqual(["DB_HOST", "DB_PORT", "EVENT_SLUG", "ORDER_QUEUE_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_USER"]);
  });

  it("lets the http services send orders and the worker consume them", () => {
    const policy = (service: string) =>
      parseJsonAttribute<Policy>(byPath("aws_iam_role_policy", `/${service}-task-policy`)[0]!.policy).Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action));
    expect(policy("web")).toContain("sqs:SendMessage");
    expect(policy("api")).toContain("sqs:SendMessage");
    expect(policy("worker")).toContain("sqs:ReceiveMessage");
    expect(policy("worker")).not.toContain("sqs:SendMessage");
    expect(policy("web")).not.toContain("sqs:ReceiveMessage");
  });

  it("raises the minimum to the pre-warm size before opening and lowers it after closing, in the event's zone", () => {
    const actions = listOf(sale, "aws_appautoscaling_scheduled_action");
    const prewarm = (service: string) => actions.find((a) => a.name === `flashcrowd-event-xmas-mega-sale-${service}-prewarm`)!;
    expect(prewarm("web")).toEqual(
      expect.objectContaining({ schedule: "at(2031-12-04T19:30:00)", timezone: "Asia/Seoul", scalable_target_action: { min_capacity: "78", max_capacity: "200" } }),
    );
    expect((prewarm("api").scalable_target_action as { min_capacity: string }).min_capacity).toBe("39");
    expect((prewarm("worker").scalable_target_action as { min_capacity: string }).min_capacity).toBe("8");
    const down = actions.find((a) => a.name === "flashcrowd-event-xmas-mega-sale-web-scale-down")!;
    expect(down).toEqual(expect.objectContaining({ schedule: "at(2031-12-06T00:15:00)", scalable_target_action: { min_capacity: "2", max_capacity: "200" } }));
  });

  it("scales the http services on requests per target as well as CPU, the worker on CPU only", () => {
    const policies = listOf(sale, "aws_appautoscaling_policy");
    const requests = policies.filter((p) => String(p.name).endsWith("-requests"));
    expect(requests.map((p) => p.name).sort()).toEqual(["flashcrowd-event-xmas-mega-sale-api-requests", "flashcrowd-event-xmas-mega-sale-web-requests"]);
    const web = requests.find((p) => p.name === "flashcrowd-event-xmas-mega-sale-web-requests")!;
    const config = web.target_tracking_scaling_policy_configuration as { target_value: number; predefined_metric_specification: { resource_label: string } };
    expect(config.target_value).toBe(built.events["xmas-mega-sale"]!.capacity.web!.requestCountTargetPerMinute);
    expect(config.predefined_metric_specification.resource_label).toMatch(/^\$\{aws_lb\.alb_[A-Z0-9]+\.arn_suffix\}\/\$\{aws_lb_target_group\.alb_tg-web_[A-Z0-9]+\.arn_suffix\}$/);
    expect(policies.filter((p) => String(p.name).endsWith("-cpu"))).toHaveLength(3);
  });

  it("plans the pre-warm of every service from the event's expected peak", () => {
    const plans = built.events["xmas-mega-sale"]!.capacity;
    expect(Object.fromEntries(Object.entries(plans).map(([n, p]) => [n, p.prewarm.tasks]))).toEqual({ web: 78, api: 39, worker: 8 });
    const tickets = built.events["stadium-show-tickets"]!.capacity;
    expect(tickets.web!.prewarm.tasks).toBe(130); // 50000 rps x 1.3 / 500
    expect(tickets.web!.window.raiseExpression).toBe("at(2032-01-15T09:30:00)");
  });

  it("lets the load balancer reach the http tasks only, and every service reach the database and the cache", () => {
    const egress = listOf(sale, "aws_vpc_security_group_egress_rule");
    const fromAlb = egress.filter((r) => String(r.security_group_id).includes("aws_security_group.alb_sg_"));
    expect(fromAlb.map((r) => [r.from_port, String(r.referenced_security_group_id).match(/svc-([a-z]+)_sg/)![1]]).sort()).toEqual([
      [8080, "api"],
      [8080, "web"],
    ]);
    const auroraIngress = listOf(sale, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes("aws_security_group.aurora_sg_"));
    expect(auroraIngress.map((r) => r.description).sort()).toEqual(["DMS replication instance (CDC source)", "Data-check function", "Post-apply function", "api tasks", "web tasks", "worker tasks"]);
    const redisIngress = listOf(sale, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes("aws_security_group.redis_sg_"));
    expect(redisIngress.map((r) => r.description).sort()).toEqual(["api tasks", "web tasks", "worker tasks"]);
  });

  it("has an order queue and dead-letter queue encrypted with the event key, sized from config", () => {
    const queues = listOf(sale, "aws_sqs_queue").filter((q) => String(q.name).includes("-orders"));
    expect(queues.map((q) => q.name).sort()).toEqual(["flashcrowd-event-xmas-mega-sale-orders", "flashcrowd-event-xmas-mega-sale-orders-dlq"]);
    const main = queues.find((q) => q.name === "flashcrowd-event-xmas-mega-sale-orders")!;
    expect(main.message_retention_seconds).toBe(96 * 3600);
    expect((parseJsonAttribute(main.redrive_policy) as { maxReceiveCount: number }).maxReceiveCount).toBe(5);
    expect(queues.every((q) => String(q.kms_master_key_id).includes("aws_kms_key.event-key_"))).toBe(true);
  });
});

describe("event stack: database and cache", () => {
  const cluster = one("aws_rds_cluster");
  const parameters = Object.fromEntries((one("aws_rds_cluster_parameter_group").parameter as { name: string; value: string }[]).map((p) => [p.name, p.value]));

  it("keeps a final snapshot under the name the lifecycle checks, and deletion protection on until the verified teardown", () => {
    expect(cluster).toEqual(
      expect.objectContaining({
        cluster_identifier: names.auroraClusterId,
        skip_final_snapshot: false,
        final_snapshot_identifier: names.finalSnapshotId,
        deletion_protection: true,
        backup_retention_period: 7,
        storage_encrypted: true,
      }),
    );
    expect(names.finalSnapshotId).toBe("flashcrowd-event-xmas-mega-sale-db-final");
    // The teardown turns the protection off through the RDS API; no prevent_destroy, so its destroy run can proceed.
    expect(cluster.lifecycle).toEqual({ ignore_changes: ["deletion_protection"] });
  });

  it("names the final snapshot after the slug only, so moving the event's times does not rename it", () => {
    // GIVEN the same event closing a day later
    const moved = configWith((c) => {
      const event = c.events.calendar![0]!;
      event.closes = "2031-12-07T00:00";
    });
    // THEN the teardown moved but the snapshot name the database and the lifecycle agree on did not
    const event = moved.events.calendar[0]!;
    expect(event.teardownAt.toMillis()).not.toBe(config.events.calendar[0]!.teardownAt.toMillis());
    expect(eventResourceNames(moved, event).finalSnapshotId).toBe(names.finalSnapshotId);
  });

  it("encrypts storage (and so the final snapshot) with event-edge's permanent key, not the event key", () => {
    expect(cluster.kms_key_id).toEqual(expect.stringContaining(`${EDGE}.cross-stack-output-aws_kms_keydatabase-key_`));
    expect(cluster.master_user_secret_kms_key_id).toBe(cluster.kms_key_id);
  });

  it.each([
    ["binlog_format", "ROW"],
    ["binlog_row_image", "FULL"],
    ["binlog_checksum", "NONE"],
  ])("sets %s = %s for CDC", (name, value) => {
    expect(parameters[name]).toBe(value);
  });

  it("runs Serverless v2 in the configured ACU range, a writer and a reader in two AZs", () => {
    expect(cluster.serverlessv2_scaling_configuration).toEqual({ min_capacity: 2, max_capacity: 64 });
    expect(listOf(sale, "aws_rds_cluster_instance").map((i) => [i.instance_class, i.availability_zone]).sort()).toEqual([
      ["db.serverless", "ap-northeast-2a"],
      ["db.serverless", "ap-northeast-2b"],
    ]);
  });

  it("runs the waiting-room cache Multi-AZ, encrypted with the event key, with IAM users only", () => {
    expect(one("aws_elasticache_replication_group")).toEqual(
      expect.objectContaining({
        multi_az_enabled: true,
        automatic_failover_enabled: true,
        num_cache_clusters: 2,
        transit_encryption_enabled: true,
        snapshot_retention_limit: 1,
        kms_key_id: expect.stringContaining("aws_kms_key.event-key_"),
      }),
    );
  });
});

describe("event stack: log delivery", () => {
  const stream = one("aws_kinesis_firehose_delivery_stream");
  const s3 = stream.extended_s3_configuration as Record<string, unknown>;

  it("archives into event-edge's bucket, under the event's prefix, partitioned by date", () => {
    expect(s3.bucket_arn).toEqual(expect.stringContaining(`${EDGE}.cross-stack-output-aws_s3_bucketlog-archive_bucket_`));
    expect(s3.kms_key_arn).toEqual(expect.stringContaining(`${EDGE}.cross-stack-output-aws_kms_keylogs-key_`));
    expect(s3.prefix).toBe("events/xmas-mega-sale/!{timestamp:yyyy/MM/dd}/");
  });

  it("receives every log group of the event: services, database, post-apply step, data checks", () => {
    const filters = listOf(sale, "aws_cloudwatch_log_subscription_filter").map((f) => f.name).sort();
    expect(filters).toEqual(
      ["data-check", "db-audit", "db-error", "db-slowquery", "post-apply", "svc-api", "svc-web", "svc-worker"].map((c) => `flashcrowd-event-xmas-mega-sale-logs-${c}`),
    );
    const groups = listOf(sale, "aws_cloudwatch_log_group").filter((g) => !String(g.name).startsWith("/aws/kinesisfirehose/") && !String(g.name).includes("flow"));
    expect(groups.every((g) => g.retention_in_days === 30)).toBe(true);
  });
});

describe("event stack: DMS into prod", () => {
  const task = one("aws_dms_replication_task");
  const settings = parseJsonAttribute<DmsTaskSettings>(task.replication_task_settings);
  const mappings = parseJsonAttribute<DmsTableMappings>(task.table_mappings);

  it("runs one full-load-and-cdc task under the name the lifecycle finds, started by the post-apply step", () => {
    expect(task).toEqual(expect.objectContaining({ replication_task_id: names.dmsTaskId, migration_type: "full-load-and-cdc", start_replication_task: false }));
    expect(one("aws_dms_replication_instance")).toEqual(
      expect.objectContaining({ replication_instance_id: names.dmsReplicationInstanceId, publicly_accessible: false, multi_az: true, engine_version: "3.5.4" }),
    );
  });

  const get = (path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], settings);
  it.each<[string, unknown]>([
    ["FullLoadSettings.TargetTablePrepMode", "DO_NOTHING"],
    ["ValidationSettings.EnableValidation", true],
    ["ValidationSettings.ValidationMode", "ROW_LEVEL"],
    ["ErrorBehavior.DataErrorPolicy", "STOP_TASK"],
    ["ErrorBehavior.DataTruncationErrorPolicy", "STOP_TASK"],
    ["ErrorBehavior.DataErrorEscalationPolicy", "STOP_TASK"],
    ["ErrorBehavior.TableErrorPolicy", "STOP_TASK"],
    ["ErrorBehavior.TableErrorEscalationPolicy", "STOP_TASK"],
    ["ErrorBehavior.ApplyErrorInsertPolicy", "STOP_TASK"],
    ["ErrorBehavior.ApplyErrorUpdatePolicy", "STOP_TASK"],
    ["ErrorBehavior.ApplyErrorDeletePolicy", "STOP_TASK"],
    ["ErrorBehavior.ApplyErrorEscalationPolicy", "STOP_TASK"],
    ["ErrorBehavior.ApplyErrorFailOnTruncationDdl", true],
    ["ErrorBehavior.FailOnNoTablesCaptured", true],
    ["ChangeProcessingDdlHandlingPolicy.HandleSourceTableDropped", false],
    ["ChangeProcessingDdlHandlingPolicy.HandleSourceTableTruncated", false],
    ["ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered", false],
    ["TargetMetadata.BatchApplyEnabled", false],
    ["TargetMetadata.LimitedSizeLobMode", true],
    ["TargetMetadata.LobMaxSize", 64],
    ["Logging.EnableLogging", true],
  ])("the synthesized task settings have %s = %j", (path, value) => {
    expect(get(path)).toEqual(value);
  });

  it("takes the LOB mode from config", () => {
    const full = parseJsonAttribute<DmsTaskSettings>(
      listOf(synthStacks(configWith((c) => (c.events.platform.dms.lobMode = "full")))("event-xmas-mega-sale"), "aws_dms_replication_task")[0]!.replication_task_settings,
    );
    expect(full.TargetMetadata).toEqual(expect.objectContaining({ FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 64, SupportLobs: true }));
  });

  it("selects exactly the configured event tables, by name, and renames the event schema into prod's", () => {
    const selections = mappings.rules.filter((r) => r["rule-type"] === "selection");
    expect(selections.map((r) => [r["object-locator"]["schema-name"], r["object-locator"]["table-name"], r["rule-action"]])).toEqual(
      config.events.platform.dms.tableMappings.map((m) => [m.source.schema, m.source.table, "include"]),
    );
    const renames = mappings.rules.filter((r) => r["rule-type"] === "transformation");
    expect(renames.map((r) => [r["rule-target"], r["object-locator"]["schema-name"], r.value])).toEqual([["schema", "sale", "shop"]]);
  });

  it("follows a change of the mappings in config (a table renamed into prod)", () => {
    const json = synthStacks(
      configWith((c) => {
        c.events.platform.dms.tableMappings = [{ source: { schema: "tickets", table: "reservations" }, target: { schema: "shop", table: "orders" } }];
      }),
    )("event-xmas-mega-sale");
    const rules = parseJsonAttribute<DmsTableMappings>(listOf(json, "aws_dms_replication_task")[0]!.table_mappings).rules;
    const row = (r: (typeof rules)[number]) =>
      r["rule-type"] === "selection"
        ? [r["rule-type"], null, r["object-locator"]["schema-name"], r["object-locator"]["table-name"], null]
        : [r["rule-type"], r["rule-target"], r["object-locator"]["schema-name"], r["object-locator"]["table-name"] ?? null, r.value];
    expect(rules.map(row)).toEqual([
      ["selection", null, "tickets", "reservations", null],
      ["transformation", "schema", "tickets", null, "shop"],
      ["transformation", "table", "tickets", "reservations", "orders"],
    ]);
  });

  it("reads the event database through the DMS source secret and writes prod through prod's DMS secret, both over TLS", () => {
    const endpoints = listOf(sale, "aws_dms_endpoint");
    const target = endpoints.find((e) => e.endpoint_type === "target")!;
    const source = endpoints.find((e) => e.endpoint_type === "source")!;
    expect(target.secrets_manager_arn).toEqual(expect.stringContaining(`${PROD}.cross-stack-output-aws_secretsmanager_secretdms-target-secret_`));
    expect(source.secrets_manager_arn).toEqual(expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"));
    expect(endpoints.every((e) => e.ssl_mode === "require")).toBe(true);
  });

  it("opens prod's database security group to the DMS and data-check security groups only, on the database port", () => {
    const intoProd = listOf(sale, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes(PROD));
    const rule = (group: string) =>
      expect.objectContaining({
        security_group_id: expect.stringContaining("cross-stack-output-aws_security_groupaurora_sg_"),
        referenced_security_group_id: expect.stringContaining(`aws_security_group.${group}_sg_`),
        from_port: 3306,
        to_port: 3306,
      });
    expect(intoProd).toEqual(expect.arrayContaining([rule("dms"), rule("data-check")]));
    expect(intoProd).toHaveLength(2);
    expect(intoProd.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  it("sends DMS events and alarms to event-edge's permanent alerts topic", () => {
    const topic = expect.stringContaining(`${EDGE}.cross-stack-output-aws_sns_topicalerts_topic_`);
    expect(listOf(sale, "aws_dms_event_subscription").map((s) => s.sns_topic_arn)).toEqual([topic, topic]);
    const dmsAlarms = listOf(sale, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/DMS");
    expect(dmsAlarms.map((a) => a.metric_name).sort()).toEqual(["CDCLatencySource", "CDCLatencyTarget", "ValidationFailedOverallCount", "ValidationSuspendedOverallCount"]);
    for (const a of dmsAlarms) expect(a.alarm_actions).toEqual([topic]);
    expect(listOf(sale, "aws_sns_topic")).toEqual([]);
  });
});

const lambda = (name: string) => {
  const fn = listOf(sale, "aws_lambda_function").find((f) => f.function_name === name);
  expect(fn, name).toBeDefined();
  return fn!;
};

describe("event stack: post-apply function", () => {
  const fn = lambda(names.postApplyFunctionName);
  const env = (fn.environment as { variables: Record<string, string> }).variables;

  it("has the name the lifecycle invokes and runs in the private subnets with its own security group", () => {
    expect(fn.function_name).toBe(names.postApplyFunctionName);
    expect(fn.vpc_config).toEqual({
      subnet_ids: [expect.stringContaining("network_private-a_"), expect.stringContaining("network_private-b_"), expect.stringContaining("network_private-c_")],
      security_group_ids: [expect.stringContaining("aws_security_group.post-apply_sg_")],
    });
  });

  it("traces, keeps failed invocations and runs one at a time", () => {
    expect(fn).toEqual(
      expect.objectContaining({ tracing_config: { mode: "Active" }, reserved_concurrent_executions: 1, dead_letter_config: { target_arn: expect.stringContaining("post-apply-dlq") } }),
    );
  });

  it("gets its settings from its environment: the cluster, binlog retention, the DMS source user and the task", () => {
    expect(env).toEqual({
      [POST_APPLY_ENV.clusterIdentifier]: names.auroraClusterId,
      [POST_APPLY_ENV.masterSecretArn]: expect.stringContaining("master_user_secret[0].secret_arn"),
      [POST_APPLY_ENV.binlogRetentionHours]: "48",
      [POST_APPLY_ENV.dmsSourceSecretArn]: expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"),
      [POST_APPLY_ENV.dmsSourceUsername]: "dms_source",
      [POST_APPLY_ENV.dmsSourceSchemas]: "sale",
      [POST_APPLY_ENV.dmsTaskArn]: expect.stringContaining("aws_dms_replication_task.dms_task_"),
    });
  });

  it("may describe its cluster, read its master secret, write the DMS source secret and start its task", () => {
    const statements = parseJsonAttribute<Policy>(byPath("aws_iam_role_policy", "/post-apply/policy")[0]!.policy).Statement;
    const sids = statements.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(["DescribeCluster", "ReadMasterSecret", "DecryptMasterSecret", "WriteDmsSourceSecret", "StartDmsTask", "VpcNetworkInterfaces"]));
    expect(statements.find((s) => s.Sid === "DecryptMasterSecret")!.Resource).toEqual(expect.stringContaining(`${EDGE}.cross-stack-output-aws_kms_keydatabase-key_`));
  });

  it("reaches the event database on its port, and the database admits it", () => {
    const egress = listOf(sale, "aws_vpc_security_group_egress_rule").filter((r) => String(r.security_group_id).includes("post-apply_sg_"));
    expect(egress.map((r) => [r.from_port, r.cidr_ipv4 ?? "aurora"]).sort()).toEqual([
      [3306, "aurora"],
      [443, "0.0.0.0/0"],
    ]);
  });
});

describe("event stack: data-check function", () => {
  const fn = lambda(names.dataCheckFunctionName);
  const env = (fn.environment as { variables: Record<string, string> }).variables;
  const rulesOf = (type: string) => listOf(sale, type).filter((r) => String(r.security_group_id).includes("data-check_sg_"));

  it("has the name the lifecycle invokes and runs in the data subnets, the only ones peered with prod", () => {
    expect(fn.vpc_config).toEqual({
      subnet_ids: [expect.stringContaining("network_data-a_"), expect.stringContaining("network_data-b_"), expect.stringContaining("network_data-c_")],
      security_group_ids: [expect.stringContaining("aws_security_group.data-check_sg_")],
    });
  });

  it("traces, keeps failed invocations and runs one at a time", () => {
    expect(fn).toEqual(
      expect.objectContaining({ tracing_config: { mode: "Active" }, reserved_concurrent_executions: 1, dead_letter_config: { target_arn: expect.stringContaining("data-check-dlq") } }),
    );
  });

  it("gets the writer, the three secrets, the key block and the mapped tables from its environment", () => {
    expect(env).toMatchObject({
      [DATA_CHECK_ENV.writerHost]: expect.stringContaining("aws_rds_cluster.aurora_cluster_"),
      [DATA_CHECK_ENV.writerPort]: "3306",
      [DATA_CHECK_ENV.masterSecretArn]: expect.stringContaining("master_user_secret[0].secret_arn"),
      [DATA_CHECK_ENV.dmsSourceSecretArn]: expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"),
      [DATA_CHECK_ENV.prodReaderSecretArn]: expect.stringContaining(`${PROD}.cross-stack-output-aws_secretsmanager_secretverify-reader-secret_`),
      [DATA_CHECK_ENV.keyBlock]: expect.stringMatching(/^\d+-\d+$/),
    });
    const tables = JSON.parse(env[DATA_CHECK_ENV.tables]!) as { source: { table: string }; target: { schema: string } }[];
    expect(tables.map((t) => t.source.table).sort()).toEqual(["order_items", "orders", "payments"]);
    expect(new Set(tables.map((t) => t.target.schema))).toEqual(new Set(["shop"]));
  });

  it("may read the event's master and DMS source secrets and prod's read-only secret, and nothing else of Secrets Manager", () => {
    const statements = parseJsonAttribute<Policy>(byPath("aws_iam_role_policy", "/data-check/policy")[0]!.policy).Statement;
    const reads = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("secretsmanager:")));
    expect(reads.flatMap((s) => [s.Action].flat())).toEqual(["secretsmanager:GetSecretValue"]);
    expect([reads[0]!.Resource].flat()).toEqual([
      expect.stringContaining("master_user_secret[0].secret_arn"),
      expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"),
      expect.stringContaining("verify-reader-secret_"),
    ]);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain("secretsmanager:PutSecretValue");
  });

  it("reaches the event database, and prod's database only on its port in prod's data subnets", () => {
    const egress = rulesOf("aws_vpc_security_group_egress_rule").map((r) => [r.from_port, r.cidr_ipv4 ?? "event aurora"]);
    expect(egress.sort()).toEqual([
      [3306, "10.0.68.0/24"],
      [3306, "10.0.69.0/24"],
      [3306, "10.0.70.0/24"],
      [3306, "event aurora"],
      [443, "0.0.0.0/0"],
    ]);
  });

  it("is admitted by the event database and, in the shared account, by prod's database security group", () => {
    const admitting = listOf(sale, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.referenced_security_group_id).includes("data-check_sg_"));
    expect(admitting.map((r) => [String(r.security_group_id).includes(PROD) ? "prod" : "event", r.from_port]).sort()).toEqual([
      ["event", 3306],
      ["prod", 3306],
    ]);
  });
});

describe("event stack: names the lifecycle uses", () => {
  it("runs its ECS services in the cluster the quiesce step scales", () => {
    expect(listOf(sale, "aws_ecs_cluster").map((c) => c.name)).toEqual([names.ecsClusterName]);
  });

  it("names its request-serving and worker services as the quiesce step expects", () => {
    const services = listOf(sale, "aws_ecs_service").map((s) => s.name);
    expect([...services].sort()).toEqual([...names.services.http, ...names.services.worker].sort());
    expect(names.services.worker).toEqual(["flashcrowd-event-xmas-mega-sale-worker"]);
    expect([...names.services.http].sort()).toEqual(["flashcrowd-event-xmas-mega-sale-api", "flashcrowd-event-xmas-mega-sale-web"]);
  });

  it("names the order queue and its dead-letter queue as the quiesce step expects", () => {
    const queues = listOf(sale, "aws_sqs_queue").map((q) => q.name);
    expect(queues).toEqual(expect.arrayContaining([names.ordersQueueName, names.ordersDeadLetterQueueName]));
    const orders = listOf(sale, "aws_sqs_queue").find((q) => q.name === names.ordersQueueName)!;
    expect(String(orders.redrive_policy)).toContain("aws_sqs_queue.");
  });

  it("keeps the verified snapshot apart from the final snapshot, both of the event's cluster", () => {
    expect(names.verifiedSnapshotId).not.toBe(names.finalSnapshotId);
    expect(names.verifiedSnapshotId.startsWith(names.auroraClusterId)).toBe(true);
    const cluster = one("aws_rds_cluster");
    expect(cluster.final_snapshot_identifier).toBe(names.finalSnapshotId);
  });

  it("names the DMS secrets role and the data-check role as the patterns prod's secrets grant reads to", () => {
    const patterns = eventResourcePatterns(config);
    const matching = (pattern: string) => {
      const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
      return listOf(sale, "aws_iam_role").map((r) => String(r.name)).filter((name) => regex.test(name));
    };
    expect(matching(patterns.dmsSecretsRoleName)).toEqual(["flashcrowd-event-xmas-mega-sale-dms-secrets"]);
    expect(matching(patterns.dataCheckRoleName)).toEqual(["flashcrowd-event-xmas-mega-sale-data-check-fn"]);
  });
});

describe("event stack: prod's side", () => {
  it("prod holds the DMS target secret, issued outside Terraform, and loads with LOAD DATA LOCAL INFILE", () => {
    const secret = listOf(prod, "aws_secretsmanager_secret").find((s) => s.name === "flashcrowd/prod/dms-target")!;
    expect(secret).toEqual(expect.objectContaining({ recovery_window_in_days: 30, kms_key_id: expect.stringContaining("aws_kms_key.data-key_") }));
    const params = (listOf(prod, "aws_rds_cluster_parameter_group")[0]!.parameter as { name: string; value: string; apply_method: string }[]).find((p) => p.name === "local_infile");
    expect(params).toEqual({ name: "local_infile", value: "1", apply_method: "immediate" });
  });

  it("dev, which no event syncs to, has neither", () => {
    const dev = stacks("dev");
    expect(listOf(dev, "aws_secretsmanager_secret").some((s) => String(s.name).endsWith("dms-target"))).toBe(false);
    const params = listOf(dev, "aws_rds_cluster_parameter_group")[0]!.parameter as { name: string }[];
    expect(params.some((p) => p.name === "local_infile")).toBe(false);
  });

  it("lets the event stacks' DMS roles of another account read the secret when events run there", () => {
    const json = synthStacks(
      configWith((c) => {
        c.events.platform.account = "410987654321";
        c.events.platform.peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/event-peering-accepter" };
      }),
    )("prod");
    const policy = parseJsonAttribute<Policy>(listOf(json, "aws_secretsmanager_secret_policy")[0]!.policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Action: "secretsmanager:GetSecretValue", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::410987654321:role/flashcrowd-event-*-dms-secrets" } } }),
    ]);
  });
});
