import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DmsEventSubscription } from "@cdktf/provider-aws/lib/dms-event-subscription";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { ModuleConstruct } from "../core/environment";
import type { DmsTaskMetricName } from "../observability/metric";
import type { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";
import type { DmsReplication } from "./dms-replication";

export interface DmsMonitoringProps {
  readonly replication: DmsReplication;
  /**
   * Key of the alerts topic this construct creates; DMS and CloudWatch are granted its use to
   * publish.
   * @default - none; required unless `topic` is given
   */
  readonly kmsKey?: KmsKey;
  /**
   * An existing topic to send the events and alarms to (a permanent one, whose subscriptions are
   * confirmed once rather than at every event). Its owner must let `dms.amazonaws.com` and
   * `cloudwatch.amazonaws.com` of this account publish and use its key.
   * @default - a topic of its own, KMS-encrypted with `kmsKey`; subscribe someone to it
   */
  readonly topic?: { readonly arn: string };
  /**
   * Alarm when CDC latency (source or target) stays above this many seconds.
   * @default 300
   */
  readonly cdcLatencyThresholdSeconds?: number;
  /**
   * Consecutive one-minute periods above the threshold before the latency alarms fire.
   * @default 5
   */
  readonly latencyEvaluationMinutes?: number;
}

/** DMS event categories the topic receives, per source type (lowercase, as the API spells them). */
export const DMS_EVENT_CATEGORIES = {
  "replication-task": ["failure", "state change"],
  "replication-instance": ["failure", "failover", "low storage", "maintenance"],
} as const;

/**
 * Where DMS problems go: an encrypted SNS topic receiving the task's failure and state-change
 * events and the instance's failure, failover, storage and maintenance events, and CloudWatch
 * alarms on CDC latency (source and target) and on rows that failed or could not be validated.
 * Subscribe the on-call channel to {@link topic} (Slack through Chatbot, e-mail).
 */
export class DmsMonitoring extends ModuleConstruct {
  /** The topic created here; undefined when an existing one was given. */
  readonly ownTopic?: SnsTopic;
  /** ARN of the topic the events and alarms go to. */
  readonly topicArn: string;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: DmsMonitoringProps) {
    super(scope, id);
    const { naming } = this;
    const { replication } = props;
    if (props.topic) {
      this.topicArn = props.topic.arn;
    } else {
      this.ownTopic = this.createTopic(props);
      this.topicArn = this.ownTopic.arn;
    }

    new DmsEventSubscription(this, "task-events", {
      name: naming.name("dms-task-events", 255),
      snsTopicArn: this.topicArn,
      sourceType: "replication-task",
      sourceIds: [replication.task.replicationTaskId],
      eventCategories: [...DMS_EVENT_CATEGORIES["replication-task"]],
      enabled: true,
    });
    new DmsEventSubscription(this, "instance-events", {
      name: naming.name("dms-instance-events", 255),
      snsTopicArn: this.topicArn,
      sourceType: "replication-instance",
      sourceIds: [replication.instance.replicationInstanceId],
      eventCategories: [...DMS_EVENT_CATEGORIES["replication-instance"]],
      enabled: true,
    });

    const actions = { alarmActions: [this.topicArn], okActions: [this.topicArn] };
    const threshold = props.cdcLatencyThresholdSeconds ?? 300;
    const minutes = props.latencyEvaluationMinutes ?? 5;
    const latency = (metric: Extract<DmsTaskMetricName, `CDCLatency${string}`>, what: string) =>
      new CloudwatchMetricAlarm(this, metric, {
        alarmName: naming.name(`dms-${metric.toLowerCase()}`, 255),
        alarmDescription:
          `${what} has been more than ${threshold} s behind for ${minutes} minutes. ` +
          'Orders reach prod late and teardown waits; see docs/operations.md, "During the sale".',
        ...replication.metric(metric),
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: minutes,
        datapointsToAlarm: minutes,
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        // No data while the task is stopped: the task's state-change events report that.
        treatMissingData: "notBreaching",
        ...actions,
      });
    const rows = (metric: Extract<DmsTaskMetricName, `Validation${string}`>, what: string) =>
      new CloudwatchMetricAlarm(this, metric, {
        alarmName: naming.name(`dms-${metric.toLowerCase().replace("overallcount", "")}`, 255),
        alarmDescription: `${what} Teardown will not destroy the event until this is resolved; see docs/operations.md, "If the data is not verified".`,
        ...replication.metric(metric),
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        ...actions,
      });
    this.alarms = [
      latency("CDCLatencySource", "Reading the event database's binlog"),
      latency("CDCLatencyTarget", "Applying changes to the prod database"),
      rows("ValidationFailedOverallCount", "Rows differ between the event and prod databases."),
      rows("ValidationSuspendedOverallCount", "Rows could not be validated."),
    ];
  }

  private createTopic(props: DmsMonitoringProps): SnsTopic {
    const { naming, account: accountId } = this;
    const { kmsKey } = props;
    if (!kmsKey) throw new Error(`${this.node.path}: give kmsKey for the topic created here, or an existing topic`);
    const publishers = ["dms.amazonaws.com", "cloudwatch.amazonaws.com"];
    // No condition on the key statements: SNS calls KMS on the publisher's behalf, and those
    // calls need not carry the publisher's source account; the topic policy below scopes them.
    kmsKey.allowService("DmsEventsToTopic", "dms.amazonaws.com");
    kmsKey.allowService("CloudWatchAlarmsToTopic", "cloudwatch.amazonaws.com");
    const topic = new SnsTopic(this, "topic", {
      name: naming.name("dms-alerts", 256),
      displayName: `DMS alerts of ${naming.workspace}`,
      kmsMasterKeyId: kmsKey.arn,
    });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: topic.arn,
      policy: policyDocument([
        {
          sid: "ServicesPublish",
          principals: { type: "Service", identifiers: publishers },
          actions: ["sns:Publish"],
          resources: [topic.arn],
          conditions: { StringEquals: { "aws:SourceAccount": accountId } },
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: { type: "*", identifiers: ["*"] },
          actions: ["sns:Publish", "sns:Subscribe", "sns:Receive"],
          resources: [topic.arn],
          conditions: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
    return topic;
  }
}
