import type { Construct } from "constructs";
import type { DateTime } from "luxon";
import { NodeFunction, type FunctionCode } from "../modules/compute/node-function";
import { OneTimeSchedules } from "../modules/compute/one-time-schedules";
import { StateMachine } from "../modules/compute/state-machine";
import { AlertTopic } from "../modules/observability/alert-topic";
import { DeadLetterQueue } from "../modules/messaging/dead-letter-queue";
import { KmsKey } from "../modules/security/kms-key";
import type { PolicyStatement } from "../modules/security/policy-document";
import { Secret } from "../modules/security/secret";
import type { Config } from "../src/config";
import { eventResourcePatterns } from "../src/config/event-resources";
import { AwsStack } from "./base/aws-stack";
import { StackIds } from "../src/core/naming";
import { lambdaBundles, type HandlerKey } from "../src/lifecycle/bundle";
import { lifecycleInput } from "../src/lifecycle/input";
import { planSchedules } from "../src/lifecycle/schedules";
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings } from "../src/lifecycle/settings";
import { lifecycleDefinition } from "../src/lifecycle/state-machine";

/** The handlers the control stack runs (the post-apply step and the data checks run in each event's VPC instead). */
export type ControlHandlerKey = Exclude<HandlerKey, "postApply" | "dataCheck">;

export interface ControlStackProps {
  readonly config: Config;
  /** "Now": schedules whose time is not after it are left out. */
  readonly now: DateTime;
  /** @default DEFAULT_LIFECYCLE_SETTINGS */
  readonly settings?: Partial<LifecycleSettings>;
  /** Bundled handlers. @default lambdaBundles() (built once, cached on disk) */
  readonly code?: Readonly<Record<ControlHandlerKey, FunctionCode>>;
}

/**
 * `control`: the event lifecycle. One-time schedules from the calendar start a state machine that
 * applies an event's workspace before the sale and, after it, destroys it once the event's data is
 * verified in prod. Runs in the events platform's account and region, next to the event stacks it
 * drives.
 */
export class ControlStack extends AwsStack {
  readonly settings: LifecycleSettings;
  readonly functions: Readonly<Record<ControlHandlerKey, NodeFunction>>;
  readonly stateMachine: StateMachine;
  readonly schedules: OneTimeSchedules;
  readonly tfcToken: Secret;
  readonly slackWebhook: Secret;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, props: ControlStackProps) {
    const platform = props.config.events.platform;
    super(scope, { config: props.config, stackId: StackIds.control, environment: "control", target: platform });
    const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, ...props.settings };
    this.settings = settings;
    const { naming } = this;
    const project = props.config.project.name;
    const account = platform.account;
    const region = platform.region;
    const code = props.code ?? lambdaBundles();

    const key = new KmsKey(this, "key", { alias: naming.name("lifecycle"), description: "Encrypts the event lifecycle's secrets, logs and queues" });
    this.tfcToken = new Secret(this, "tfc-token", {
      name: `${project}/${naming.stack}/tfc-token`,
      description: "Terraform Cloud team token with apply rights on the event workspaces; set the value outside Terraform (docs/operations.md, Once, before the first sale)",
      key,
      issuer: "Terraform Cloud (a team API token; regenerate it in the team's settings and put the new value here)",
    });
    this.slackWebhook = new Secret(this, "slack-webhook", {
      name: `${project}/${naming.stack}/slack-webhook`,
      description: "Slack incoming-webhook URL for lifecycle notifications; set the value outside Terraform (docs/operations.md, Once, before the first sale)",
      key,
      issuer: "Slack (an incoming-webhook URL; regenerate it in the Slack app's settings and put the new value here)",
    });
    this.alerts = new AlertTopic(this, "alerts", { kmsKey: key, name: "lifecycle-alerts" });
    const dlq = new DeadLetterQueue(this, "dlq", { name: naming.name("lifecycle-dlq", 80), key });
    dlq.alarmWhenNotEmpty(this.alerts.topicArn);

    const fn = (id: ControlHandlerKey, component: string, description: string, extra: { environment?: Record<string, string>; timeoutSeconds?: number } = {}) =>
      new NodeFunction(this, id, {
        component,
        description,
        code: code[id],
        key,
        deadLetterQueue: dlq,
        logRetentionDays: settings.logRetentionDays,
        reservedConcurrency: settings.reservedConcurrency,
        ...extra,
      });
    const functions = {
      tfcRun: fn("tfcRun", "tfc-run", "Starts and reads Terraform Cloud runs of event workspaces", {
        timeoutSeconds: 240,
        environment: {
          TFC_ADDRESS: `https://${props.config.project.terraformCloud.hostname}`,
          TFC_ORG: props.config.project.terraformCloud.organization,
          TFC_TOKEN_SECRET_ARN: this.tfcToken.arn,
        },
      }),
      dmsReplication: fn("dmsReplication", "dms-check", "Lets an event's DMS task apply every change up to the quiesce time, then stop", { timeoutSeconds: 90 }),
      eventDatabase: fn("eventDatabase", "event-database", "Snapshots an event database, turns its deletion protection off before the verified destroy, checks its final snapshot", {
        timeoutSeconds: 60,
      }),
      quiesce: fn("quiesce", "quiesce", "Stops an event's writes: request-serving services to zero, order queue drained, workers to zero", { timeoutSeconds: 90 }),
      smokeCheck: fn("smokeCheck", "smoke-check", "GETs an event's health URL through the public edge", { timeoutSeconds: 30 }),
      notify: fn("notify", "notify", "Sends lifecycle notifications to Slack and the alert topic", {
        timeoutSeconds: 30,
        environment: { SLACK_WEBHOOK_SECRET_ARN: this.slackWebhook.arn, ALERT_TOPIC_ARN: this.alerts.topicArn },
      }),
    };
    this.functions = functions;

    this.tfcToken.grantRead(functions.tfcRun);
    this.slackWebhook.grantRead(functions.notify);
    this.alerts.grantPublish(functions.notify);
    functions.dmsReplication.addToPolicy(...dmsStatements(props.config, account, region));
    const patterns = eventResourcePatterns(props.config);
    const clusters = `arn:aws:rds:${region}:${account}:cluster:${patterns.auroraClusterId}`;
    const snapshots = [patterns.finalSnapshotId, patterns.verifiedSnapshotId].map((id) => `arn:aws:rds:${region}:${account}:cluster-snapshot:${id}`);
    functions.eventDatabase.addToPolicy(
      { sid: "DescribeEventSnapshots", actions: ["rds:DescribeDBClusterSnapshots"], resources: [...snapshots, clusters] },
      {
        sid: "SnapshotVerifiedEventData",
        actions: ["rds:CreateDBClusterSnapshot"],
        resources: [clusters, `arn:aws:rds:${region}:${account}:cluster-snapshot:${patterns.verifiedSnapshotId}`],
      },
      // Only the verified teardown turns deletion protection off, right before its destroy run.
      { sid: "UnprotectEventDatabases", actions: ["rds:DescribeDBClusters", "rds:ModifyDBCluster"], resources: [clusters] },
    );
    functions.quiesce.addToPolicy(
      {
        sid: "ScaleEventServices",
        actions: ["ecs:DescribeServices", "ecs:UpdateService"],
        resources: [`arn:aws:ecs:${region}:${account}:service/${patterns.ecsClusterName}/*`],
      },
      // Application Auto Scaling's RegisterScalableTarget has no resource-level permissions for ECS targets.
      { sid: "PinEventServicesToZero", actions: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DescribeScalableTargets"], resources: ["*"] },
      { sid: "ReadOrderQueues", actions: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"], resources: [`arn:aws:sqs:${region}:${account}:${patterns.ordersQueueName}`] },
    );

    this.stateMachine = new StateMachine(this, "lifecycle", {
      component: "lifecycle",
      key,
      logRetentionDays: settings.logRetentionDays,
      definition: lifecycleDefinition({
        settings,
        functions: {
          tfcRun: functions.tfcRun.arn,
          dmsReplication: functions.dmsReplication.arn,
          eventDatabase: functions.eventDatabase.arn,
          quiesce: functions.quiesce.arn,
          smokeCheck: functions.smokeCheck.arn,
          notify: functions.notify.arn,
        },
      }),
      invokes: Object.values(functions).map((f) => f.arn),
      // The post-apply step and the data checks are functions each event stack creates in its own VPC.
      invokePatterns: [patterns.postApplyFunctionName, patterns.dataCheckFunctionName].map((f) => `arn:aws:lambda:${region}:${account}:function:${f}`),
    });
    this.stateMachine.alarmOnFailures(this.alerts.topicArn);

    this.schedules = new OneTimeSchedules(this, "schedules", {
      component: "events",
      target: this.stateMachine,
      deadLetterQueue: dlq,
    });
    for (const s of planSchedules(props.config, props.now)) {
      const input = lifecycleInput(props.config, s.event, s.action);
      this.schedules.add({
        component: `${s.event.slug}-${s.action}`,
        description: `${s.action === "up" ? "Spin-up" : "Teardown"} of ${s.event.name} at ${input.scheduledAt}`,
        expression: s.expression,
        timezone: s.timezone,
        input: JSON.stringify(input),
        executionName: executionName(s.event.slug, s.action, s.at),
      });
    }
  }
}

/**
 * The execution a schedule starts: `<slug>-<up|down>-<UTC yyyyMMdd'T'HHmm>`. The same for every
 * delivery of the same schedule (Scheduler delivers at least once), different for a moved event.
 */
export function executionName(slug: string, action: "up" | "down", at: DateTime): string {
  return `${slug}-${action}-${at.toUTC().toFormat("yyyyLLdd'T'HHmm")}`;
}

/**
 * DMS access of the stop-at-commit-time function: describe any task, stop and resume only the event environments' tasks.
 * Task ARNs carry a random resource id, not the task's name, so the scope is the tags every event
 * stack puts on its resources (default_tags): this project, environment `event`, and one of the
 * calendar's events.
 */
function dmsStatements(config: Config, account: string, region: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    // DescribeReplicationTasks is a list call without resource-level permissions; the handler
    // filters it to the event's task id.
    { sid: "FindReplicationTask", actions: ["dms:DescribeReplicationTasks"], resources: ["*"] },
  ];
  const slugs = config.events.calendar.map((e) => e.slug);
  if (slugs.length > 0) {
    statements.push({
      sid: "EventReplicationTasksOnly",
      actions: ["dms:StopReplicationTask", "dms:StartReplicationTask"],
      resources: [`arn:aws:dms:${region}:${account}:task:*`],
      conditions: {
        StringEquals: {
          "aws:ResourceTag/Project": config.project.name,
          "aws:ResourceTag/Environment": "event",
          "aws:ResourceTag/Event": slugs,
        },
      },
    });
  }
  return statements;
}
