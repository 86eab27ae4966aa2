import { existsSync } from "node:fs";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import type { Config } from "../../src/config";
import { eventResourceNames, eventResourcePatterns } from "../../src/config/event-resources";
import { lambdaBundles } from "../../src/lifecycle/bundle";
import { STATES } from "../../src/lifecycle/state-machine";
import { calendarOf, configWith } from "../helpers/config";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../helpers/synth";

const NOW = DateTime.fromISO("2026-11-22T00:00:00Z");

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
const statementsOf = (policy: unknown) => parseJsonAttribute<{ Statement: Statement[] }>(policy).Statement;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function control(config: Config = configWith(), now: DateTime = NOW): TerraformJson {
  return synthJson(buildApp(config, { clock: () => now }).control);
}

/** The role policy of the function whose name ends in `-<component>`. */
function functionPolicy(json: TerraformJson, component: string): Statement[] {
  const fn = listOf(json, "aws_lambda_function").find((f) => String(f.function_name).endsWith(`-${component}`))!;
  const roleRef = String(fn.role).match(/aws_iam_role\.([^.]+)\.arn/)![1]!;
  const policy = Object.values(resourcesOf(json, "aws_iam_role_policy")).find((p) => String(p.role).includes(`aws_iam_role.${roleRef}.`))!;
  return statementsOf(policy.policy);
}

const json = control();

describe("control stack: schedules", () => {
  it("schedules spin-up and teardown of every future event, at() in the event's zone, starting the lifecycle", () => {
    const schedules = listOf(json, "aws_scheduler_schedule");
    expect(schedules.map((s) => [s.name, s.schedule_expression, s.schedule_expression_timezone]).sort()).toEqual([
      ["flashcrowd-control-stadium-show-tickets-down", "at(2032-01-15T15:00:00)", "Asia/Seoul"],
      ["flashcrowd-control-stadium-show-tickets-up", "at(2032-01-15T08:00:00)", "Asia/Seoul"],
      ["flashcrowd-control-xmas-mega-sale-down", "at(2031-12-06T01:00:00)", "Asia/Seoul"],
      ["flashcrowd-control-xmas-mega-sale-up", "at(2031-12-04T17:00:00)", "Asia/Seoul"],
    ]);
    for (const s of schedules) {
      const target = s.target as Record<string, unknown>;
      // The universal target: only it passes an execution name, so a repeated delivery starts nothing.
      expect(target.arn).toBe("arn:aws:scheduler:::aws-sdk:sfn:startExecution");
      const params = JSON.parse(String(target.input)) as { StateMachineArn: string; Name: string; Input: string };
      expect(params.StateMachineArn).toMatch(/^\$\{aws_sfn_state_machine\.lifecycle_state-machine_[A-F0-9]+\.arn\}$/);
      expect(JSON.parse(params.Input)).toMatchObject({ action: expect.stringMatching(/^(up|down)$/) });
      expect(target.dead_letter_config).toEqual({ arn: expect.stringMatching(/aws_sqs_queue/) });
      expect(s.flexible_time_window).toEqual({ mode: "OFF" });
    }
  });

  it("names each execution after its event, action and UTC time, the same for every delivery", () => {
    const names = listOf(json, "aws_scheduler_schedule").map((s) => (JSON.parse(String((s.target as Record<string, unknown>).input)) as { Name: string }).Name);
    expect(names.sort()).toEqual([
      "stadium-show-tickets-down-20320115T0600",
      "stadium-show-tickets-up-20320114T2300",
      "xmas-mega-sale-down-20311205T1600",
      "xmas-mega-sale-up-20311204T0800",
    ]);
  });

  it("passes the shared resource names of the event as the execution input", () => {
    const down = listOf(json, "aws_scheduler_schedule").find((s) => s.name === "flashcrowd-control-xmas-mega-sale-down")!;
    const config = configWith();
    const names = eventResourceNames(config, config.events.calendar[0]!);
    const input = JSON.parse((JSON.parse(String((down.target as Record<string, unknown>).input)) as { Input: string }).Input);
    expect(input).toMatchObject({
      action: "down",
      event: { workspace: names.workspace, dmsTaskId: names.dmsTaskId, finalSnapshotId: names.finalSnapshotId, postApplyFunctionName: names.postApplyFunctionName },
    });
  });

  it("schedules nothing for events already past, and only the teardown of a running one", () => {
    expect(listOf(control(configWith(), DateTime.fromISO("2032-02-01T00:00:00Z")), "aws_scheduler_schedule")).toEqual([]);
    const during = control(configWith(), DateTime.fromISO("2031-12-05T00:00:00Z"));
    expect(listOf(during, "aws_scheduler_schedule").map((s) => s.name).sort()).toEqual([
      "flashcrowd-control-stadium-show-tickets-down",
      "flashcrowd-control-stadium-show-tickets-up",
      "flashcrowd-control-xmas-mega-sale-down",
    ]);
  });

  it("lets the scheduler role start only the lifecycle, trusted for this account only", () => {
    const role = listOf(json, "aws_iam_role").find((r) => r.name === "flashcrowd-control-events-scheduler")!;
    expect(statementsOf(role.assume_role_policy)[0]!.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "210987654321" } });
    const policy = listOf(json, "aws_iam_role_policy").find((p) => String(p.role).includes("schedules_role"))!;
    const start = statementsOf(policy.policy).find((s) => list(s.Action).includes("states:StartExecution"))!;
    expect(list(start.Resource)).toEqual([expect.stringMatching(/^\$\{aws_sfn_state_machine\..*\.arn\}$/)]);
  });
});

describe("control stack: state machine", () => {
  it("runs the generated lifecycle definition with logging and tracing", () => {
    const [sm] = listOf(json, "aws_sfn_state_machine");
    const definition = JSON.parse(String(sm!.definition));
    expect(definition.QueryLanguage).toBe("JSONata");
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining([STATES.quiesce, STATES.reconcile, STATES.unprotectDatabase]));
    expect(sm!.tracing_configuration).toEqual({ enabled: true });
    expect(sm!.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: false });
  });

  it("may invoke the lifecycle functions and the event stacks' post-apply and data-check functions, nothing else", () => {
    const policy = listOf(json, "aws_iam_role_policy").find((p) => String(p.role).includes("lifecycle_role"))!;
    const invoke = statementsOf(policy.policy).find((s) => list(s.Action).includes("lambda:InvokeFunction"))!;
    const resources = list(invoke.Resource);
    const eventFunctions = ["post-apply", "data-check"].map((f) => `arn:aws:lambda:ap-northeast-2:210987654321:function:flashcrowd-event-*-${f}`);
    expect(resources.filter((r) => !r.startsWith("${aws_lambda_function."))).toEqual(eventFunctions);
    // Each of the six lifecycle functions, and its versions.
    expect(resources).toHaveLength(6 * 2 + eventFunctions.length);
  });

  it("alarms to the alert topic on failed, timed-out or aborted executions", () => {
    const alarms = listOf(json, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States");
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"]);
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic/)]);
  });
});

describe("control stack: functions", () => {
  const functions = listOf(json, "aws_lambda_function");

  it("has the six lifecycle functions on Node 22, from the bundled zips", () => {
    const bundles = lambdaBundles();
    expect(functions.map((f) => f.function_name).sort()).toEqual(
      ["dms-check", "event-database", "notify", "quiesce", "smoke-check", "tfc-run"].map((c) => `flashcrowd-control-${c}`),
    );
    for (const f of functions) {
      expect(f.runtime).toBe("nodejs22.x");
      expect(f.handler).toBe("index.handler");
      expect(f.filename).toMatch(/^assets\/.+\.zip$/);
    }
    // Every bundle but the post-apply step and the data checks, which each event stack runs in its own VPC.
    const { postApply, dataCheck, ...lifecycle } = bundles;
    expect(functions.map((f) => f.source_code_hash).sort()).toEqual(Object.values(lifecycle).map((b) => b.sha256Base64).sort());
    expect(functions.map((f) => f.source_code_hash)).not.toContain(postApply.sha256Base64);
    expect(functions.map((f) => f.source_code_hash)).not.toContain(dataCheck.sha256Base64);
    for (const b of Object.values(bundles)) expect(existsSync(b.zipPath)).toBe(true);
  });

  it.each(["dead_letter_config", "tracing_config", "reserved_concurrent_executions", "kms_key_arn", "logging_config"])("every function sets %s", (attribute) => {
    for (const f of functions) expect(f[attribute], String(f.function_name)).toBeTruthy();
    expect(functions.every((f) => (f.tracing_config as { mode: string }).mode === "Active")).toBe(true);
  });

  it("gives every function a KMS-encrypted log group with retention", () => {
    const groups = listOf(json, "aws_cloudwatch_log_group").filter((g) => String(g.name).startsWith("/aws/lambda/"));
    expect(groups).toHaveLength(functions.length);
    for (const g of groups) {
      expect(g.retention_in_days).toBe(90);
      expect(g.kms_key_id).toMatch(/aws_kms_key/);
    }
  });

  it("lets only the run function read the Terraform Cloud token, and only the notifier the Slack webhook", () => {
    const reads = (component: string) =>
      functionPolicy(json, component)
        .filter((s) => list(s.Action).includes("secretsmanager:GetSecretValue"))
        .flatMap((s) => list(s.Resource));
    const secrets = resourcesOf(json, "aws_secretsmanager_secret");
    const token = Object.keys(secrets).find((k) => k.startsWith("tfc-token"))!;
    const slack = Object.keys(secrets).find((k) => k.startsWith("slack-webhook"))!;
    expect(reads("tfc-run")).toEqual([`\${aws_secretsmanager_secret.${token}.arn}`]);
    expect(reads("notify")).toEqual([`\${aws_secretsmanager_secret.${slack}.arn}`]);
    for (const c of ["dms-check", "event-database", "quiesce", "smoke-check"]) expect(reads(c)).toEqual([]);
  });

  const EVENT_TAGS = {
    StringEquals: {
      "aws:ResourceTag/Project": "flashcrowd",
      "aws:ResourceTag/Environment": "event",
      "aws:ResourceTag/Event": ["xmas-mega-sale", "stadium-show-tickets"],
    },
  };

  it("lets the DMS function stop and resume only DMS tasks tagged as this project's calendar events", () => {
    const policy = functionPolicy(json, "dms-check");
    const scoped = policy.find((s) => list(s.Action).includes("dms:StopReplicationTask"))!;
    expect(list(scoped.Action).sort()).toEqual(["dms:StartReplicationTask", "dms:StopReplicationTask"]);
    expect(list(scoped.Resource)).toEqual(["arn:aws:dms:ap-northeast-2:210987654321:task:*"]);
    expect(scoped.Condition).toEqual(EVENT_TAGS);
    expect(policy.filter((s) => list(s.Action).some((a) => a.startsWith("dms:")) && list(s.Resource).includes("*")).flatMap((s) => list(s.Action))).toEqual([
      "dms:DescribeReplicationTasks",
    ]);
  });

  it("drops a retired event's schedules and its DMS grant", () => {
    // GIVEN the December sale retired a week after its teardown, and control applied then
    const weekAfter = DateTime.fromISO("2031-12-12T00:00:00Z");
    const retired = control(configWith((c) => (calendarOf(c)[0]!.retired = true), weekAfter), weekAfter);
    // THEN only the ticket opening keeps its schedules and its tag in the data check's grant
    expect(listOf(retired, "aws_scheduler_schedule").map((s) => s.name).sort()).toEqual([
      "flashcrowd-control-stadium-show-tickets-down",
      "flashcrowd-control-stadium-show-tickets-up",
    ]);
    const scoped = functionPolicy(retired, "dms-check").find((s) => list(s.Action).includes("dms:StopReplicationTask"))!;
    expect(scoped.Condition!.StringEquals!["aws:ResourceTag/Event"]).toEqual(["stadium-show-tickets"]);
  });

  it("no longer reads DMS validation statistics or metrics", () => {
    const actions = functionPolicy(json, "dms-check").flatMap((s) => list(s.Action));
    expect(actions).not.toContain("dms:DescribeTableStatistics");
    expect(actions).not.toContain("cloudwatch:GetMetricData");
  });

  it("uses Resource * only for actions without resource-level permissions", () => {
    const allowed = new Set([
      "dms:DescribeReplicationTasks",
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:DescribeScalableTargets",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]);
    const wildcard = listOf(json, "aws_iam_role_policy")
      .flatMap((p) => statementsOf(p.policy))
      .filter((s) => list(s.Resource).includes("*"))
      .flatMap((s) => list(s.Action));
    expect(wildcard.filter((a) => !allowed.has(a))).toEqual([]);
  });

  it("lets the event database function describe only the events' final and verified snapshots and their clusters", () => {
    const statement = functionPolicy(json, "event-database").find((s) => list(s.Action).includes("rds:DescribeDBClusterSnapshots"))!;
    expect(list(statement.Resource).sort()).toEqual([
      "arn:aws:rds:ap-northeast-2:210987654321:cluster-snapshot:flashcrowd-event-*-db-final",
      "arn:aws:rds:ap-northeast-2:210987654321:cluster-snapshot:flashcrowd-event-*-db-verified",
      "arn:aws:rds:ap-northeast-2:210987654321:cluster:flashcrowd-event-*-db",
    ]);
  });

  it("lets the event database function create only the verified snapshot, and modify only event clusters", () => {
    const policy = functionPolicy(json, "event-database");
    const create = policy.find((s) => list(s.Action).includes("rds:CreateDBClusterSnapshot"))!;
    expect(list(create.Resource).sort()).toEqual([
      "arn:aws:rds:ap-northeast-2:210987654321:cluster-snapshot:flashcrowd-event-*-db-verified",
      "arn:aws:rds:ap-northeast-2:210987654321:cluster:flashcrowd-event-*-db",
    ]);
    const modify = policy.find((s) => list(s.Action).includes("rds:ModifyDBCluster"))!;
    expect(list(modify.Resource)).toEqual(["arn:aws:rds:ap-northeast-2:210987654321:cluster:flashcrowd-event-*-db"]);
    const actions = policy.flatMap((s) => list(s.Action));
    for (const a of ["rds:DeleteDBCluster", "rds:DeleteDBClusterSnapshot", "rds:RestoreDBClusterFromSnapshot"]) expect(actions).not.toContain(a);
  });

  it("lets the quiesce function scale only event ECS services and read only event order queues", () => {
    const policy = functionPolicy(json, "quiesce");
    const ecs = policy.find((s) => list(s.Action).includes("ecs:UpdateService"))!;
    expect(list(ecs.Action).sort()).toEqual(["ecs:DescribeServices", "ecs:UpdateService"]);
    expect(list(ecs.Resource)).toEqual(["arn:aws:ecs:ap-northeast-2:210987654321:service/flashcrowd-event-*-ecs/*"]);
    const sqs = policy.find((s) => list(s.Action).includes("sqs:GetQueueUrl"))!;
    expect(list(sqs.Action).sort()).toEqual(["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]);
    expect(list(sqs.Resource)).toEqual(["arn:aws:sqs:ap-northeast-2:210987654321:flashcrowd-event-*-orders*"]);
    const scaling = policy.filter((s) => list(s.Action).some((a) => a.startsWith("application-autoscaling:"))).flatMap((s) => list(s.Action));
    expect(scaling).toContain("application-autoscaling:RegisterScalableTarget");
    const actions = policy.flatMap((s) => list(s.Action));
    for (const a of ["ecs:DeleteService", "sqs:PurgeQueue", "sqs:DeleteMessage", "sqs:ReceiveMessage"]) expect(actions).not.toContain(a);
  });
});

describe("control stack: secrets, queues, account", () => {
  it("keeps the token and the webhook in KMS-encrypted secrets with a recovery window and no value in Terraform", () => {
    const secrets = listOf(json, "aws_secretsmanager_secret");
    expect(secrets.map((s) => s.name).sort()).toEqual(["flashcrowd/control/slack-webhook", "flashcrowd/control/tfc-token"]);
    for (const s of secrets) {
      expect(s.kms_key_id).toMatch(/aws_kms_key/);
      expect(Number(s.recovery_window_in_days)).toBeGreaterThanOrEqual(7);
    }
    expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual({});
  });

  it("encrypts the dead-letter queue and the alert topic with the stack's key and alarms on dead letters", () => {
    const [queue] = listOf(json, "aws_sqs_queue");
    const [topic] = listOf(json, "aws_sns_topic");
    expect(queue!.kms_master_key_id).toMatch(/aws_kms_key/);
    expect(topic!.kms_master_key_id).toMatch(/aws_kms_key/);
    expect(listOf(json, "aws_cloudwatch_metric_alarm").some((a) => a.metric_name === "ApproximateNumberOfMessagesVisible")).toBe(true);
  });

  it("applies only into the events platform's account and region", () => {
    const provider = (json.provider as { aws: Record<string, unknown>[] }).aws[0]!;
    expect(provider).toMatchObject({ allowed_account_ids: ["210987654321"], region: "ap-northeast-2" });
  });
});

describe("event resource patterns", () => {
  it("match the names of the longest possible project and slug (names are never shortened)", () => {
    const config = configWith((c) => {
      c.project.name = "abcdefghijklmnop";
      calendarOf(c).push({
        slug: "abcdefghijklmnopqrstuvwx",
        name: "Longest",
        opens: "2027-05-01T10:00:00+09:00",
        closes: "2027-05-01T12:00:00+09:00",
        expectedPeakRps: 1,
        cidr: "10.64.32.0/20",
      });
    });
    const event = config.events.calendar.at(-1)!;
    const names = eventResourceNames(config, event);
    const patterns = eventResourcePatterns(config);
    const matches = (pattern: string, value: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);
    expect(matches(patterns.postApplyFunctionName, names.postApplyFunctionName)).toBe(true);
    expect(matches(patterns.auroraClusterId, names.auroraClusterId)).toBe(true);
    expect(matches(patterns.finalSnapshotId, names.finalSnapshotId)).toBe(true);
    expect(matches(patterns.dataCheckFunctionName, names.dataCheckFunctionName)).toBe(true);
    expect(matches(patterns.verifiedSnapshotId, names.verifiedSnapshotId)).toBe(true);
    expect(matches(patterns.ecsClusterName, names.ecsClusterName)).toBe(true);
    expect(matches(patterns.ordersQueueName, names.ordersQueueName)).toBe(true);
    expect(matches(patterns.ordersQueueName, names.ordersDeadLetterQueueName)).toBe(true);
    expect(matches(patterns.postApplyFunctionName, "abcdefghijklmnop-prod-post-apply")).toBe(false);
    expect(matches(patterns.ordersQueueName, "abcdefghijklmnop-prod-orders")).toBe(false);
  });
});
