import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { SqsQueue as SqsQueueResource } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Grant, type IGrantable } from "../core/grant";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, type PolicyStatement } from "../security/policy-document";
import { sid } from "../security/sid";

export interface SqsQueueProps {
  /** Queue name, e.g. `naming.name("orders")`; the dead-letter queue is `<name>-dlq`. At most 76 characters. */
  readonly queueName: string;
  /** Customer-managed key encrypting both queues. */
  readonly kmsKey: KmsKey;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a message is kept (seconds, 60 to 1209600).
   * @default 345600 - 4 days
   */
  readonly messageRetentionSeconds?: number;
  /**
   * How long a dead-lettered message is kept (seconds). It keeps its original enqueue time, so
   * this must be at least `messageRetentionSeconds`.
   * @default 1209600 - 14 days, the maximum
   */
  readonly deadLetterRetentionSeconds?: number;
  /**
   * Time a consumer has to process a message before it becomes visible again (seconds).
   * @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Seconds SQS reuses a data key before asking KMS for another: more requests cost more, a longer
   * reuse widens what one key protects.
   * @default 300
   */
  readonly kmsDataKeyReusePeriodSeconds?: number;
}

/**
 * An SQS queue with a dead-letter queue: both encrypted with a customer key, both refusing any
 * request not made over TLS, long polling on, and the dead-letter queue accepting redrives from
 * this queue only. Access is granted by the queue: {@link grantSendMessages} /
 * {@link grantConsumeMessages} (the producer's and consumer's roles), or {@link addToPolicy} (a
 * service principal, in the queue's policy).
 */
export class SqsQueue extends Construct {
  readonly queue: SqsQueueResource;
  readonly deadLetterQueue: SqsQueueResource;
  private readonly kmsKey: KmsKey;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: SqsQueueProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,76}$/.test(props.queueName)) {
      throw new Error(`${this.node.path}: queue name "${props.queueName}" must be 1-76 letters, digits, '-' or '_' (the DLQ adds "-dlq")`);
    }
    const retention = props.messageRetentionSeconds ?? 345600;
    const dlqRetention = props.deadLetterRetentionSeconds ?? 1209600;
    if (dlqRetention < retention) {
      throw new Error(
        `${this.node.path}: deadLetterRetentionSeconds (${dlqRetention}) is shorter than messageRetentionSeconds (${retention}); dead-lettered messages keep their enqueue time and would expire first`,
      );
    }
    this.kmsKey = props.kmsKey;
    const encryption = { kmsMasterKeyId: props.kmsKey.arn, kmsDataKeyReusePeriodSeconds: props.kmsDataKeyReusePeriodSeconds ?? 300 };

    this.deadLetterQueue = new SqsQueueResource(this, "dlq", {
      name: `${props.queueName}-dlq`,
      messageRetentionSeconds: dlqRetention,
      ...encryption,
    });
    this.queue = new SqsQueueResource(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: retention,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 30,
      receiveWaitTimeSeconds: 20,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? 5 }),
      ...encryption,
    });
    // The DLQ accepts dead letters from this queue only. A separate resource, because inline on the
    // DLQ it would form a cycle with the queue's redrive policy.
    new SqsQueueRedriveAllowPolicy(this, "dlq-redrive-allow", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });

    this.statements = [];
    for (const [name, q] of [
      ["queue", this.queue],
      ["dlq", this.deadLetterQueue],
    ] as const) {
      new SqsQueuePolicy(this, `${name}-policy`, {
        queueUrl: q.url,
        policy: Lazy.stringValue({
          produce: () =>
            policyDocument([
              {
                sid: "DenyInsecureTransport",
                effect: "Deny",
                principals: { type: "*", identifiers: ["*"] },
                actions: ["sqs:*"],
                resources: [q.arn],
                conditions: { Bool: { "aws:SecureTransport": "false" } },
              },
              ...(name === "queue" ? this.statements : []),
            ]),
        }),
      });
    }
  }

  get arn(): string {
    return this.queue.arn;
  }

  get url(): string {
    return this.queue.url;
  }

  get deadLetterArn(): string {
    return this.deadLetterQueue.arn;
  }

  get deadLetterUrl(): string {
    return this.deadLetterQueue.url;
  }

  /** Adds a statement to the main queue's resource policy (e.g. a service principal that sends). */
  addToPolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  /** Lets `grantee` send to the queue (the web/api tasks): statements `<Queue>Send1`, `<Queue>Send2`. */
  grantSendMessages(grantee: IGrantable): Grant {
    return this.grant(grantee, "Send", [
      { actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], resources: [this.queue.arn] },
      this.kmsKey.usageStatement(["kms:GenerateDataKey", "kms:Decrypt"]),
    ]);
  }

  /** Lets `grantee` consume the queue (the workers): statements `<Queue>Consume1`, `<Queue>Consume2`. */
  grantConsumeMessages(grantee: IGrantable): Grant {
    return this.grant(grantee, "Consume", [
      {
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        resources: [this.queue.arn],
      },
      this.kmsKey.usageStatement(["kms:Decrypt"]),
    ]);
  }

  /** Statements named after the queue and the verb; a bare role gets policy `<queue id>-queue` on its side. */
  private grant(grantee: IGrantable, verb: string, statements: readonly PolicyStatement[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: statements.map((s, i) => ({ ...s, sid: sid(this.node.id, verb, String(i + 1)) })),
      policy: { id: `${this.node.id}-${verb.toLowerCase()}`, name: `${this.node.id}-queue` },
    });
  }
}
