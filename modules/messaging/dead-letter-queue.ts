import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Grant, type IGrantable } from "../core/grant";
import type { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";

export interface DeadLetterQueueProps {
  /** Queue name, usually from the naming helper. */
  readonly name: string;
  /** Key encrypting messages at rest. */
  readonly key: KmsKey;
  /**
   * How long an undelivered message is kept for a person to look at.
   * @default 1209600 (14 days, the SQS maximum)
   */
  readonly retentionSeconds?: number;
}

/**
 * An SQS queue that keeps what could not be delivered (failed asynchronous invocations, schedules
 * whose target failed), KMS-encrypted and reachable over TLS only. {@link alarmWhenNotEmpty} makes
 * sure someone hears about it.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  private readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.key = props.key;
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      kmsMasterKeyId: props.key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: props.retentionSeconds ?? 1_209_600,
    });
    new SqsQueuePolicy(this, "policy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: { type: "*", identifiers: ["*"] },
          actions: ["sqs:*"],
          resources: [this.queue.arn],
          conditions: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
  }

  get arn(): string {
    return this.queue.arn;
  }

  /** Lets `grantee` put messages here: sqs:SendMessage and use of the queue's key through SQS. */
  grantSend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [
        { sid: "SendToDeadLetterQueue", actions: ["sqs:SendMessage"], resources: [this.queue.arn] },
        this.key.usageStatement(["kms:GenerateDataKey*", "kms:Decrypt"], { sid: "DeadLetterQueueKey", viaService: "sqs" }),
      ],
      policy: { id: `${this.node.id}-send`, name: `send-${this.node.id}` },
    });
  }

  /** Alarms to `topicArn` as soon as one message is waiting. */
  alarmWhenNotEmpty(topicArn: string): CloudwatchMetricAlarm {
    return new CloudwatchMetricAlarm(this, "not-empty", {
      alarmName: `${this.queue.name}-not-empty`,
      alarmDescription: "Something could not be delivered and waits in the dead-letter queue; read the message, fix the cause, then delete it",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topicArn],
    });
  }
}
