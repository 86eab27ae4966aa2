/**
 * The world a rehearsal runs in, built from the synthesized output (`cdktf.out`): the control
 * stack's state machine, schedules and function environments, the event stack's resources and
 * its functions' environments, prod's secrets; two real MariaDB servers ("event" and "prod");
 * the stateful Terraform Cloud and AWS fakes; a simulated clock; and the sale's traffic.
 *
 * Applying the event workspace (a Terraform Cloud run reaching `applying`) creates the event
 * stack's resources in the fakes, with attributes resolved from the synthesized JSON: the
 * functions' environments are the synthesized ones with each `${...}` reference replaced by the
 * value the fake resource has. Destroying deletes them the way the AWS provider would: a cluster
 * with deletion protection is refused, and the run errors.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { DatabaseMigrationServiceClient } from "@aws-sdk/client-database-migration-service";
import { ECSClient } from "@aws-sdk/client-ecs";
import { RDSClient } from "@aws-sdk/client-rds";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createConnection, type Connection } from "mysql2/promise";
import { StackIds } from "../core/naming";
import { HANDLERS, type HandlerKey } from "../lifecycle/bundle";
import { createDataCheckHandler } from "../lifecycle/handlers/data-check";
import { createDmsHandler } from "../lifecycle/handlers/dms-replication";
import { createEventDatabaseHandler } from "../lifecycle/handlers/event-database";
import { createNotifyHandler } from "../lifecycle/handlers/notify";
import { createPostApplyHandler, newDmsPassword, type ConnectOptions, type SqlSession } from "../lifecycle/handlers/post-apply";
import { createQuiesceHandler } from "../lifecycle/handlers/quiesce";
import { secretReader } from "../lifecycle/handlers/runtime";
import { createSmokeCheckHandler } from "../lifecycle/handlers/smoke-check";
import { createTfcRunHandler } from "../lifecycle/handlers/tfc-run";
import { TfcClient } from "../tfc/client";
import { recordUploadedConfiguration } from "../tfc/runs";
import { packDirectory } from "../tfc/tarball";
import { TaskFailure, type AslDefinition, type SimulatedClock } from "./asl-runner";
import { CdcReplicator } from "./cdc";
import { FakeAws, FakeServiceError } from "./fake-aws";
import { FakeTfc, TOKEN, type FakeRun } from "./fake-tfc";
import { sqlSession, type MariadbServer } from "./mariadb";

type Json = Record<string, unknown>;
interface StackJson {
  readonly resource?: Record<string, Record<string, Json>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly locals?: Record<string, unknown>;
}

/** What the rehearsal reads from the synthesized control stack. */
export interface ControlArtefacts {
  readonly definition: AslDefinition;
  readonly stateMachineArn: string;
  /** Control functions by name, with their synthesized environment. */
  readonly functions: Readonly<Record<string, { readonly key: HandlerKey; readonly environment: Record<string, string> }>>;
  /** The event's schedules, as EventBridge Scheduler would call StartExecution. */
  readonly schedules: readonly { readonly action: "up" | "down"; readonly expression: string; readonly timezone: string; readonly target: string; readonly params: { StateMachineArn: string; Name: string; Input: string } }[];
}

export function readStack(synthDir: string, stack: string): StackJson {
  const path = join(synthDir, "stacks", stack, "cdk.tf.json");
  if (!existsSync(path)) throw new Error(`${path} not found: synthesize first (npm run synth) or point --synth-dir at a cdktf.out folder`);
  return JSON.parse(readFileSync(path, "utf8")) as StackJson;
}

/** The key of a synthesized function by its bundle (the zip's name in `filename`). */
function functionKey(resource: Json): HandlerKey {
  const file = String(resource.filename ?? "");
  const base = file.split("/").pop()?.replace(/\.zip$/, "") ?? "";
  const handler = (Object.keys(HANDLERS) as HandlerKey[]).find((key) => HANDLERS[key] === base);
  if (!handler) throw new Error(`function ${String(resource.function_name)} has bundle ${file}, which the rehearsal does not know`);
  return handler;
}

export function controlArtefacts(synthDir: string, slug: string, region: string, account: string): ControlArtefacts {
  const control = readStack(synthDir, StackIds.control);
  const resources = control.resource ?? {};
  const machines = Object.entries(resources.aws_sfn_state_machine ?? {});
  if (machines.length !== 1) throw new Error(`control stack has ${machines.length} state machines, expected 1`);
  const [smKey, sm] = machines[0]!;
  const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:${String(sm.name)}`;
  const functions: Record<string, { key: HandlerKey; environment: Record<string, string> }> = {};
  const refs = new Map<string, string>([[`\${aws_sfn_state_machine.${smKey}.arn}`, stateMachineArn]]);
  for (const [key, fn] of Object.entries(resources.aws_lambda_function ?? {})) {
    const name = String(fn.function_name);
    refs.set(`\${aws_lambda_function.${key}.arn}`, `arn:aws:lambda:${region}:${account}:function:${name}`);
    functions[name] = { key: functionKey(fn), environment: ((fn.environment as Json | undefined)?.variables as Record<string, string> | undefined) ?? {} };
  }
  const resolveRefs = (text: string) => text.replace(/\$\{[^}]+\}/g, (ref) => refs.get(ref) ?? ref);
  const definition = JSON.parse(resolveRefs(String(sm.definition))) as AslDefinition;
  const schedules: ControlArtefacts["schedules"][number][] = [];
  for (const schedule of Object.values(resources.aws_scheduler_schedule ?? {})) {
    const target = schedule.target as Json;
    const params = JSON.parse(resolveRefs(String(target.input))) as { StateMachineArn: string; Name: string; Input: string };
    const input = JSON.parse(params.Input) as { action: "up" | "down"; event: { slug: string } };
    if (input.event.slug !== slug) continue;
    schedules.push({ action: input.action, expression: String(schedule.schedule_expression), timezone: String(schedule.schedule_expression_timezone), target: String(target.arn), params });
  }
  return { definition, stateMachineArn, functions, schedules };
}

/** Resolves `${...}` references of a stack's JSON against the attributes of the fake resources. */
export class References {
  private readonly values = new Map<string, string>();
  constructor(
    private readonly synthDir: string,
    private readonly others: (stack: string) => References | undefined,
  ) {}
  set(ref: string, value: string): void {
    this.values.set(ref, value);
  }
  resolve(text: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
      const direct = this.values.get(expr);
      if (direct !== undefined) return direct;
      const remote = /^data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.(.+)$/.exec(expr);
      if (remote) {
        const producer = this.others(remote[1]!);
        const value = readStack(this.synthDir, remote[1]!).output?.[remote[2]!]?.value;
        if (producer && typeof value === "string") return producer.resolve(value);
      }
      throw new Error(`the rehearsal cannot resolve ${whole}: no fake resource has that attribute`);
    });
  }
}

export interface Order {
  readonly customer: string;
  readonly total: string;
}

/** The event's "application": what the services do to the event database while they run. */
export interface Traffic {
  /** Orders written per simulated 10 minutes while the request-serving services run and the sale is open. */
  readonly ordersPerStep: number;
  /** Of those, how many go through the order queue (the worker writes them). */
  readonly queuedPerStep: number;
}

export interface WorldOptions {
  readonly synthDir: string;
  readonly slug: string;
  readonly region: string;
  readonly account: string;
  readonly organization: string;
  readonly clock: SimulatedClock;
  readonly event: MariadbServer;
  readonly prod: MariadbServer;
  readonly opensAt: number;
  readonly closesAt: number;
  readonly traffic: Traffic;
  /** The stack the event's data goes to (`events.platform.syncTo`): its secrets name the database the rehearsal calls prod. */
  readonly syncTo: string;
  /** Rows prod holds before the event (its own keys, far below any event block). */
  readonly prodRows: number;
  /** Appends a line to the timeline. */
  readonly note: (line: string) => void;
}

/** Prod's writer as its secrets name it; the rehearsal's network routes it to the prod server. */
const PROD_WRITER = "prod-writer.cluster-rh3rsl.rds.amazonaws.com";
const MYSQL_PORT = 3306;
/** Where prod's own keys continue after the administrators raised the counters above the event key region. */
export const PROD_COUNTER_START = 1_000_000_000_000_000;

const SALE_TABLES = `
  CREATE TABLE IF NOT EXISTS %S.orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(64) NOT NULL, total DECIMAL(12,2) NOT NULL, status VARCHAR(16) NOT NULL, note VARCHAR(64) NULL, created_at DATETIME(6) NOT NULL);
  CREATE TABLE IF NOT EXISTS %S.order_items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, sku VARCHAR(32) NOT NULL, quantity INT NOT NULL, price DECIMAL(12,2) NOT NULL);
  CREATE TABLE IF NOT EXISTS %S.payments (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL, method VARCHAR(16) NOT NULL)`;

/** Everything one rehearsal run touches; {@link World.close} releases it. */
export class World {
  readonly aws: FakeAws;
  readonly tfc = new FakeTfc();
  readonly control: ControlArtefacts;
  readonly refs: { event: References; prod: References; control: References };
  readonly slack: { at: number; text: string }[] = [];
  /** Orders the services wrote, and the ones lost with a destroyed queue. */
  ordersWritten = 0;
  ordersLostWithQueues = 0;
  /** Set when the event environment exists (applied and not destroyed). */
  eventUp = false;
  /** Set once an apply created the environment. */
  everApplied = false;
  /** The edge answers the smoke check from this time on (the event origin behind CloudFront). */
  edgeReadyAt = 0;
  /** Before this time, the application has not created its tables yet (post-apply waits). */
  tablesCreatedAt = 0;
  /** How long after the apply the cluster reports `available` (a scenario may make it settle slowly). */
  clusterSettlesAfterMs = 0;
  /** How long after the apply the edge starts answering from the event origin. */
  edgeDelayMs = 0;
  private readonly handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  /**
   * The rehearsal's network: the database addresses the functions are given (the cluster's writer
   * endpoint, the hosts in prod's secrets) and the local server behind each.
   */
  private readonly endpoints = new Map<string, MariadbServer>();
  private readonly connections: Connection[] = [];
  private app?: Connection;
  private prodApp?: Connection;
  private replicator?: CdcReplicator;
  private lastStep: number;
  private cvId?: string;
  private readonly eventJson: StackJson;
  readonly workspace: string;

  private constructor(
    readonly options: WorldOptions,
    control: ControlArtefacts,
    workspace: string,
  ) {
    this.workspace = workspace;
    this.aws = new FakeAws(options.clock);
    this.control = control;
    const eventStack = StackIds.event(options.slug);
    this.eventJson = readStack(options.synthDir, eventStack);
    const stacks: Record<string, References> = {};
    const refs = (stack: string) => stacks[stack];
    stacks[StackIds.control] = new References(options.synthDir, refs);
    stacks[eventStack] = new References(options.synthDir, refs);
    stacks[options.syncTo] = new References(options.synthDir, refs);
    this.refs = { event: stacks[eventStack]!, prod: stacks[options.syncTo]!, control: stacks[StackIds.control]! };
    this.lastStep = options.clock.now();
  }

  static async create(options: WorldOptions): Promise<World> {
    const control = controlArtefacts(options.synthDir, options.slug, options.region, options.account);
    const input = control.schedules[0];
    if (!input) {
      throw new Error(
        `the control stack in ${options.synthDir} has no schedule for ${options.slug}: its spin-up and teardown times are past, or it is not on the calendar ` +
          "(omit --synth-dir: the rehearsal then synthesizes as of a day before the event)",
      );
    }
    const workspace = (JSON.parse(input.params.Input) as { event: { workspace: string } }).event.workspace;
    const world = new World(options, control, workspace);
    await world.setUp();
    return world;
  }

  private account(): string {
    return this.options.account;
  }

  private secretArn(name: string): string {
    return `arn:aws:secretsmanager:${this.options.region}:${this.account()}:secret:${name}-Rh3rsl`;
  }

  private async root(server: MariadbServer, database?: string): Promise<Connection> {
    const c = await server.connect(database);
    this.connections.push(c);
    return c;
  }

  private async setUp(): Promise<void> {
    const { event, prod, region } = this.options;
    // Fresh databases on servers that may have served another scenario.
    const ev = await this.root(event);
    for (const sql of ["DROP DATABASE IF EXISTS sale", "DROP DATABASE IF EXISTS rehearsal_cdc", "DROP USER IF EXISTS 'dms_source'@'%'", "UPDATE mysql.rds_configuration SET value = NULL WHERE name = 'binlog retention hours'", "DELETE FROM mysql.rds_configuration_calls"]) {
      await ev.query(sql);
    }
    const pr = await this.root(prod);
    await pr.query("DROP DATABASE IF EXISTS shop");
    await pr.query("CREATE DATABASE shop");
    for (const sql of SALE_TABLES.replaceAll("%S", "shop").split(";")) await pr.query(sql);
    // Prod's own rows, and the two users the event stacks use: DMS's writer and the read-only verifier.
    await pr.query(
      "INSERT INTO shop.orders (customer, total, status, created_at) SELECT CONCAT('prod-', seq), seq % 500 + 0.99, 'paid', '2026-11-01 00:00:00' FROM shop.seq_1_to_" +
        String(Math.max(1, Math.floor(this.options.prodRows))),
    );
    // Once, by the database administrators: prod's counters above every event key block, so
    // event rows inserted below them never move them (the key-block check insists on it).
    for (const table of ["orders", "order_items", "payments"]) await pr.query(`ALTER TABLE shop.${table} AUTO_INCREMENT = ${PROD_COUNTER_START}`);
    for (const u of ["dms_target", "flashcrowd_verify"]) await pr.query(`DROP USER IF EXISTS '${u}'@'%'`);
    await pr.query("CREATE USER 'dms_target'@'%' IDENTIFIED BY 'dms-target-pw'");
    await pr.query("GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'dms_target'@'%'");
    await pr.query("CREATE USER 'flashcrowd_verify'@'%' IDENTIFIED BY 'verify-pw'");
    await pr.query("GRANT SELECT ON shop.* TO 'flashcrowd_verify'@'%'");

    this.endpoints.set(`${PROD_WRITER}:${MYSQL_PORT}`, prod);
    // Prod's secrets, by the names the platform stack gives them.
    const prodJson = readStack(this.options.synthDir, this.options.syncTo);
    for (const [key, s] of Object.entries(prodJson.resource?.aws_secretsmanager_secret ?? {})) {
      const arn = this.secretArn(String(s.name));
      this.refs.prod.set(`aws_secretsmanager_secret.${key}.arn`, arn);
      const name = String(s.name);
      const value = name.endsWith("/verify-reader")
        ? { username: "flashcrowd_verify", password: "verify-pw", host: PROD_WRITER, port: MYSQL_PORT }
        : name.endsWith("/dms-target")
          ? { username: "dms_target", password: "dms-target-pw", host: PROD_WRITER, port: MYSQL_PORT }
          : undefined;
      this.aws.secrets.set(arn, value ? { value: JSON.stringify(value) } : {});
    }
    for (const [key] of Object.entries(prodJson.resource?.aws_kms_key ?? {})) {
      this.refs.prod.set(`aws_kms_key.${key}.arn`, `arn:aws:kms:${region}:${this.account()}:key/${key}`);
    }

    // The control stack's secrets: the team token and the Slack webhook.
    const controlJson = readStack(this.options.synthDir, StackIds.control);
    for (const [key, s] of Object.entries(controlJson.resource?.aws_secretsmanager_secret ?? {})) {
      const arn = this.secretArn(String(s.name));
      this.refs.control.set(`aws_secretsmanager_secret.${key}.arn`, arn);
      const name = String(s.name);
      this.aws.secrets.set(arn, { value: name.endsWith("/tfc-token") ? TOKEN : name.endsWith("/slack-webhook") ? "https://hooks.slack.rehearsal/services/T0/B0/x" : undefined });
    }
    for (const [key, t] of Object.entries(controlJson.resource?.aws_sns_topic ?? {})) {
      this.refs.control.set(`aws_sns_topic.${key}.arn`, `arn:aws:sns:${region}:${this.account()}:${String(t.name)}`);
    }

    // Terraform Cloud: the event workspace, and the configuration uploaded on merge.
    await this.tfc.start();
    const ws = this.tfc.addWorkspace(this.options.organization, this.workspace);
    this.tfc.onApply = (run) => this.onApply(run);
    const client = this.tfcClient();
    const cv = await client.createConfigurationVersion(ws.id, { autoQueueRuns: false });
    await client.uploadConfiguration(cv.uploadUrl!, await packDirectory(join(this.options.synthDir, "stacks", StackIds.event(this.options.slug))));
    await client.waitForConfigurationVersion(cv.id);
    await recordUploadedConfiguration(client, ws.id, cv.id);
    this.cvId = cv.id;
    this.options.note(`Terraform Cloud: ${this.workspace} holds ${cv.id}, uploaded on merge and recorded for the lifecycle`);
    this.buildControlHandlers();
  }

  tfcClient(): TfcClient {
    return new TfcClient({ address: this.tfc.address, token: TOKEN, sleep: async (ms) => this.options.clock.advance(ms) });
  }

  get uploadedConfigurationVersion(): string | undefined {
    return this.cvId;
  }

  private clients() {
    const config = { region: this.options.region, credentials: { accessKeyId: "rehearsal", secretAccessKey: "rehearsal" } };
    return {
      secrets: this.aws.attach(new SecretsManagerClient(config), "secretsmanager"),
      rds: this.aws.attach(new RDSClient(config), "rds"),
      dms: this.aws.attach(new DatabaseMigrationServiceClient(config), "dms"),
      ecs: this.aws.attach(new ECSClient(config), "ecs"),
      autoscaling: this.aws.attach(new ApplicationAutoScalingClient(config), "application-autoscaling"),
      sqs: this.aws.attach(new SQSClient(config), "sqs"),
      sns: this.aws.attach(new SNSClient(config), "sns"),
    };
  }

  /** The real handler factories, with the synthesized environments and the fakes as their AWS, Slack and edge. */
  private buildControlHandlers(): void {
    const c = this.clients();
    const clock = this.options.clock;
    const slackFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      if (!String(url).startsWith("https://hooks.slack.rehearsal/")) throw new Error(`notify fetched ${String(url)}, not the webhook in its secret`);
      const body = JSON.parse(String(init?.body ?? "{}")) as { text?: string };
      this.slack.push({ at: clock.now(), text: body.text ?? "" });
      this.options.note(`Slack: ${(body.text ?? "").split("\n")[0]}`);
      return new Response("ok", { status: 200 });
    }) as typeof fetch;
    for (const [name, fn] of Object.entries(this.control.functions)) {
      const env = Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, this.refs.control.resolve(v)]));
      let handler: (payload: unknown) => Promise<unknown>;
      switch (fn.key) {
        case "tfcRun":
          // The one override: the fake's address instead of app.terraform.io.
          handler = createTfcRunHandler({ env: { ...env, TFC_ADDRESS: this.tfc.address }, readSecret: secretReader(c.secrets, 0), sleep: async (ms) => clock.advance(ms) });
          break;
        case "dmsReplication":
          handler = createDmsHandler({ dms: c.dms });
          break;
        case "eventDatabase":
          handler = createEventDatabaseHandler({ rds: c.rds });
          break;
        case "quiesce":
          handler = createQuiesceHandler({ ecs: c.ecs, autoscaling: c.autoscaling, sqs: c.sqs, now: () => new Date(clock.now()) });
          break;
        case "smokeCheck":
          handler = createSmokeCheckHandler({ fetch: this.edgeFetch(), now: () => clock.now(), timeoutMs: 10_000 });
          break;
        case "notify":
          handler = createNotifyHandler({ env, sns: c.sns, readSecret: secretReader(c.secrets, 0), fetch: slackFetch });
          break;
        default:
          throw new Error(`control function ${name} has an unknown handler ${fn.key}`);
      }
      this.handlers.set(name, handler);
    }
  }

  private edgeFetch(): typeof fetch {
    return (async (url: string | URL | Request) => {
      const services = [...this.aws.services.values()];
      const serving = this.eventUp && services.some((s) => s.running > 0) && this.options.clock.now() >= this.edgeReadyAt;
      // Before the event origin answers, CloudFront fails over to the static page, which has no /healthz.
      return new Response(serving ? "ok" : "not found", { status: serving ? 200 : 404, headers: { "x-rehearsal-url": String(url) } });
    }) as typeof fetch;
  }

  /** A Task's invocation: the function by name, as Lambda would find it (event functions exist only while the stack does). */
  async invoke(functionName: string, payload: unknown): Promise<unknown> {
    await this.advance();
    const name = functionName.split(":").pop() ?? functionName;
    const handler = this.handlers.get(name);
    if (!handler) throw new TaskFailure("Lambda.ResourceNotFoundException", `Function not found: ${functionName}`);
    try {
      const result = await handler(payload);
      await this.advance();
      return result;
    } catch (error) {
      const e = error as Error;
      // Lambda reports an unhandled error by its name (errorType), which Retry and Catch match.
      throw new TaskFailure(e.name || "Error", JSON.stringify({ errorType: e.name || "Error", errorMessage: e.message }));
    }
  }

  // ---- the event stack, applied and destroyed by Terraform Cloud runs

  private async onApply(run: FakeRun): Promise<void> {
    if (run.configurationVersionId !== this.cvId) {
      this.options.note(`Terraform Cloud: ${run.id} runs configuration ${run.configurationVersionId ?? "none"}, not the uploaded ${this.cvId}`);
    }
    if (run.isDestroy) await this.destroyEventStack();
    else await this.applyEventStack();
  }

  private resources(type: string): [string, Json][] {
    return Object.entries(this.eventJson.resource?.[type] ?? {});
  }

  private async applyEventStack(): Promise<void> {
    if (this.eventUp) return;
    const { region, clock, event } = this.options;
    const refs = this.refs.event;
    const acct = this.account();
    for (const [key] of this.resources("aws_kms_key")) refs.set(`aws_kms_key.${key}.arn`, `arn:aws:kms:${region}:${acct}:key/${key}`);
    for (const [key, s] of this.resources("aws_secretsmanager_secret")) {
      const arn = this.secretArn(String(s.name));
      refs.set(`aws_secretsmanager_secret.${key}.arn`, arn);
      if (!this.aws.secrets.has(arn)) this.aws.secrets.set(arn, {});
    }
    for (const [key, q] of this.resources("aws_sqs_queue")) {
      const name = String(q.name);
      refs.set(`aws_sqs_queue.${key}.arn`, `arn:aws:sqs:${region}:${acct}:${name}`);
      refs.set(`aws_sqs_queue.${key}.url`, `https://sqs.${region}.amazonaws.com/${acct}/${name}`);
      this.aws.queues.set(name, { name, url: `https://sqs.${region}.amazonaws.com/${acct}/${name}`, messages: [], inFlight: 0 });
    }
    const [clusterKey, cluster] = this.resources("aws_rds_cluster")[0] ?? [];
    if (!cluster || !clusterKey) throw new Error("the event stack has no aws_rds_cluster");
    const clusterId = String(cluster.cluster_identifier);
    const masterSecret = this.secretArn(`rds!cluster-${clusterId}`);
    this.aws.secrets.set(masterSecret, { value: JSON.stringify({ username: "root", password: event.rootPassword }) });
    const endpoint = `${clusterId}.cluster-rh3rsl.${region}.rds.amazonaws.com`;
    const port = Number(cluster.port ?? MYSQL_PORT);
    this.endpoints.set(`${endpoint}:${port}`, event);
    refs.set(`aws_rds_cluster.${clusterKey}.master_user_secret[0].secret_arn`, masterSecret);
    refs.set(`aws_rds_cluster.${clusterKey}.endpoint`, endpoint);
    refs.set(`aws_rds_cluster.${clusterKey}.port`, String(port));
    this.aws.clusters.set(clusterId, {
      id: clusterId,
      status: "available",
      endpoint,
      port,
      masterSecretArn: masterSecret,
      deletionProtection: cluster.deletion_protection === true,
      finalSnapshotId: cluster.skip_final_snapshot === true ? undefined : String(cluster.final_snapshot_identifier),
      availableAt: clock.now() + this.clusterSettlesAfterMs,
    });
    this.edgeReadyAt = clock.now() + this.edgeDelayMs;

    // The application's schema appears when its tasks first start, a few minutes after the apply.
    this.tablesCreatedAt = clock.now() + 3 * 60_000;
    const [clusterName] = this.resources("aws_ecs_cluster").map(([, c]) => String(c.name));
    for (const [key, s] of this.resources("aws_ecs_service")) {
      const name = String(s.name);
      refs.set(`aws_ecs_service.${key}.name`, name);
      this.aws.services.set(`${clusterName}/${name}`, { cluster: clusterName!, name, desired: Number(s.desired_count ?? 1), running: Number(s.desired_count ?? 1) });
    }

    const [taskKey, task] = this.resources("aws_dms_replication_task")[0] ?? [];
    if (!task || !taskKey) throw new Error("the event stack has no aws_dms_replication_task");
    const taskArn = `arn:aws:dms:${region}:${acct}:task:RH3RSL${String(task.replication_task_id).length}TASK`;
    refs.set(`aws_dms_replication_task.${taskKey}.replication_task_arn`, taskArn);
    this.replicator = await this.newReplicator(String(task.table_mappings));
    this.aws.tasks.set(String(task.replication_task_id), {
      id: String(task.replication_task_id),
      arn: taskArn,
      status: "ready",
      startedOnce: false,
      replicator: this.replicator,
      lagSeconds: 5,
    });

    // The event's own functions, with their synthesized environments resolved against these resources.
    const c = this.clients();
    for (const [, fn] of this.resources("aws_lambda_function")) {
      const name = String(fn.function_name);
      const env = Object.fromEntries(
        Object.entries(((fn.environment as Json | undefined)?.variables as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, refs.resolve(v)]),
      );
      const connect = (o: ConnectOptions) => this.connectPlain(o);
      const log = (message: string, detail?: Record<string, unknown>) => this.options.note(`${name}: ${message}${detail ? ` ${JSON.stringify(detail)}` : ""}`);
      const key = functionKey(fn);
      if (key === "postApply") {
        this.handlers.set(name, createPostApplyHandler(env, () => ({ rds: c.rds, secrets: c.secrets, dms: c.dms, connect, newPassword: newDmsPassword, log })));
      } else if (key === "dataCheck") {
        this.handlers.set(name, createDataCheckHandler(env, () => ({ secrets: c.secrets, connect, clock: Date.now, log })));
      }
    }
    this.eventUp = true;
    this.everApplied = true;
    this.options.note(`apply: ${this.resources("aws_ecs_service").length} services, cluster ${clusterId} (deletion protection ${cluster.deletion_protection === true ? "on" : "off"}), DMS task ready`);
  }

  /** The DMS task's tables from its synthesized table mappings (selection rules and schema/table renames). */
  private async newReplicator(tableMappings: string): Promise<CdcReplicator> {
    const rules = (JSON.parse(tableMappings) as { rules: Json[] }).rules;
    const selections = rules.filter((r) => r["rule-type"] === "selection" && r["rule-action"] === "include");
    const renames = rules.filter((r) => r["rule-type"] === "transformation" && r["rule-action"] === "rename");
    const tables = selections.map((r) => {
      const locator = r["object-locator"] as { "schema-name": string; "table-name": string };
      const schemaRename = renames.find((t) => t["rule-target"] === "schema" && (t["object-locator"] as Json)["schema-name"] === locator["schema-name"]);
      const tableRename = renames.find(
        (t) => t["rule-target"] === "table" && (t["object-locator"] as Json)["schema-name"] === locator["schema-name"] && (t["object-locator"] as Json)["table-name"] === locator["table-name"],
      );
      return {
        source: { schema: locator["schema-name"], table: locator["table-name"] },
        target: { schema: String(schemaRename?.value ?? locator["schema-name"]), table: String(tableRename?.value ?? locator["table-name"]) },
      };
    });
    if (tables.length === 0 || tables.some((t) => t.source.table.includes("%"))) throw new Error(`the rehearsal needs explicit table selections in the DMS task's mappings, got ${tableMappings}`);
    const source = sqlSession(await this.root(this.options.event));
    const target = sqlSession(await createConnection({ host: this.options.prod.host, port: this.options.prod.port, user: "dms_target", password: "dms-target-pw" }).then((c) => (this.connections.push(c), c)));
    return new CdcReplicator({ source, target, tables });
  }

  private async destroyEventStack(): Promise<void> {
    if (!this.eventUp) return;
    const [, cluster] = this.resources("aws_rds_cluster")[0]!;
    const clusterId = String(cluster.cluster_identifier);
    const finalSnapshot = cluster.skip_final_snapshot === true ? undefined : String(cluster.final_snapshot_identifier);
    try {
      this.aws.deleteCluster(clusterId, finalSnapshot);
    } catch (error) {
      const e = error as FakeServiceError;
      this.options.note(`destroy: refused by RDS: ${e.name}: ${e.message}`);
      throw new Error(`deleting RDS Cluster (${clusterId}): ${e.name}: ${e.message}`, { cause: error });
    }
    for (const q of this.aws.queues.values()) this.ordersLostWithQueues += q.messages.length;
    this.aws.queues.clear();
    this.aws.services.clear();
    this.aws.tasks.clear();
    for (const [, fn] of this.resources("aws_lambda_function")) this.handlers.delete(String(fn.function_name));
    this.eventUp = false;
    this.options.note(`destroy: event environment deleted${finalSnapshot ? `, final snapshot ${finalSnapshot} requested` : ""}`);
  }

  /** A function's connection: to the server behind the address it was given, refused for any other address. */
  private async connectPlain(o: ConnectOptions): Promise<SqlSession> {
    const server = this.endpoints.get(`${o.host}:${o.port}`);
    if (!server || (server === this.options.event && !this.eventUp)) {
      throw Object.assign(new Error(`connect ECONNREFUSED ${o.host}:${o.port}`), { code: "ECONNREFUSED" });
    }
    const c = await createConnection({ host: server.host, port: server.port, user: o.user, password: o.password, connectTimeout: 5_000 });
    return sqlSession(c);
  }

  // ---- time passing: traffic, the worker, DMS

  /** Brings the world to the clock's time in steps of 10 simulated minutes. */
  async advance(): Promise<void> {
    const now = this.options.clock.now();
    const STEP = 10 * 60_000;
    while (this.lastStep + STEP <= now) {
      this.lastStep += STEP;
      await this.step(this.lastStep);
    }
    await this.step(now, false);
  }

  private async step(at: number, traffic = true): Promise<void> {
    if (this.eventUp && at >= this.tablesCreatedAt) await this.ensureApplication(at);
    if (traffic && this.eventUp && this.app) {
      const services = [...this.aws.services.values()];
      const serving = services.filter((s) => s.name.endsWith("-web") || s.name.endsWith("-api")).some((s) => s.running > 0);
      const open = at >= this.options.opensAt && at < this.options.closesAt + 60 * 60_000;
      if (serving && open) {
        const { ordersPerStep, queuedPerStep } = this.options.traffic;
        for (let i = 0; i < ordersPerStep - queuedPerStep; i++) await this.writeOrder(at, `web-${at}-${i}`);
        const queue = [...this.aws.queues.values()].find((q) => q.name.endsWith("-orders"));
        for (let i = 0; i < queuedPerStep; i++) queue?.messages.push({ customer: `queued-${at}-${i}` });
      }
      const worker = services.find((s) => s.name.endsWith("-worker"));
      const queue = [...this.aws.queues.values()].find((q) => q.name.endsWith("-orders"));
      if (worker && worker.running > 0 && queue) {
        while (queue.messages.length > queue.inFlight) {
          const message = queue.messages.shift()!;
          await this.writeOrder(at, String(message.customer));
        }
      }
    }
    await this.aws.tick();
    if (this.prodApp) {
      // Prod keeps taking its own orders during the event and the check.
      await this.prodApp.query("SET timestamp = ?", [Math.floor(at / 1000)]);
      await this.prodApp.query("INSERT INTO shop.orders (customer, total, status, created_at) VALUES ('prod-live', 19.99, 'paid', NOW(6))");
    }
  }

  private async ensureApplication(at: number): Promise<void> {
    if (this.app) return;
    const { event, prod } = this.options;
    const app = await this.root(event);
    await app.query("SET timestamp = ?", [Math.floor(at / 1000)]);
    await app.query("CREATE DATABASE IF NOT EXISTS sale");
    for (const sql of SALE_TABLES.replaceAll("%S", "sale").split(";")) await app.query(sql);
    this.app = app;
    this.prodApp = await createConnection({ host: prod.host, port: prod.port, user: "root", password: prod.rootPassword });
    this.connections.push(this.prodApp);
    this.options.note("application: tables of the sale schema created at first start");
  }

  /** One order, its item and its payment, in one transaction, at simulated time `at`. */
  async writeOrder(at: number, customer: string): Promise<void> {
    const app = this.app;
    if (!app) throw new Error("the application has not started");
    await app.query("SET timestamp = ?", [Math.floor(at / 1000)]);
    await app.beginTransaction();
    const [r] = (await app.query("INSERT INTO sale.orders (customer, total, status, created_at) VALUES (?, 49.90, 'paid', NOW(6))", [customer])) as unknown as [{ insertId: number }];
    await app.query("INSERT INTO sale.order_items (order_id, sku, quantity, price) VALUES (?, 'SKU-1', 1, 49.90)", [r.insertId]);
    await app.query("INSERT INTO sale.payments (order_id, amount, method) VALUES (?, 49.90, 'card')", [r.insertId]);
    await app.commit();
    this.ordersWritten += 1;
  }

  /** Counts of the event's rows (keys in its block) in the event database and in prod. */
  async counts(block: { first: number; last: number }): Promise<{ event: number; prod: number }> {
    const prod = await this.root(this.options.prod);
    const [p] = (await prod.query("SELECT COUNT(*) AS n FROM shop.orders WHERE id BETWEEN ? AND ?", [block.first, block.last])) as unknown as [{ n: number }[]];
    let e = 0;
    if (this.app) {
      const [rows] = (await this.app.query("SELECT COUNT(*) AS n FROM sale.orders")) as unknown as [{ n: number }[]];
      e = Number(rows[0]!.n);
    }
    return { event: e, prod: Number(p[0]!.n) };
  }

  /** A root session on a server, for a scenario's direct changes (a person fixing a row, a bad write). */
  async sql(server: "event" | "prod", text: string, values: unknown[] = []): Promise<unknown> {
    const c = server === "event" ? this.app ?? (await this.root(this.options.event)) : await this.root(this.options.prod);
    const [rows] = await c.query(text, values as never);
    return rows;
  }

  async close(): Promise<void> {
    await this.tfc.stop();
    for (const c of this.connections) await c.end().catch(() => undefined);
  }
}
