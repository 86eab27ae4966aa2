import { describe, expect, it } from "vitest";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { RolePrincipal } from "../../../modules/core/grant";
import { SqsQueue, type SqsQueueProps } from "../../../modules/data/sqs-queue";
import { KmsKey } from "../../../modules/security/kms-key";
import { environmentStack } from "../../helpers/stack";
import { listOf, parseJsonAttribute, resourcesOf, synthJson } from "../../helpers/synth";

interface Policy {
  Statement: { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
}

function synthQueue(props: Partial<SqsQueueProps> = {}) {
  const { stack } = environmentStack();
  const kmsKey = new KmsKey(stack, "key", { alias: "test", description: "test" });
  const queue = new SqsQueue(stack, "orders", { queueName: "flashcrowd-event-sale-orders", kmsKey, ...props });
  return { json: synthJson(stack), queue };
}

const queues = (json: ReturnType<typeof synthQueue>["json"]) => {
  const all = resourcesOf(json, "aws_sqs_queue");
  const entry = (suffix: string) => Object.entries(all).find(([id]) => id.startsWith(`orders_${suffix}_`))!;
  return { queue: entry("queue"), dlq: entry("dlq") };
};

describe("SqsQueue defaults", () => {
  const { json } = synthQueue();
  const { queue, dlq } = queues(json);

  it("encrypts both queues with the customer key", () => {
    for (const [, q] of [queue, dlq]) {
      expect(q.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.key_[A-Z0-9]+\.arn\}$/);
      expect(q.kms_data_key_reuse_period_seconds).toBe(300);
    }
  });

  it("moves a message to the dead-letter queue after 5 receives", () => {
    expect(parseJsonAttribute(queue[1].redrive_policy)).toEqual({ deadLetterTargetArn: `\${aws_sqs_queue.${dlq[0]}.arn}`, maxReceiveCount: 5 });
  });

  it("keeps messages 4 days and dead letters 14 days, with long polling", () => {
    expect(queue[1]).toEqual(expect.objectContaining({ name: "flashcrowd-event-sale-orders", message_retention_seconds: 345600, receive_wait_time_seconds: 20 }));
    expect(dlq[1]).toEqual(expect.objectContaining({ name: "flashcrowd-event-sale-orders-dlq", message_retention_seconds: 1209600 }));
  });

  it("lets the dead-letter queue take redrives from its queue only", () => {
    const [allow] = listOf(json, "aws_sqs_queue_redrive_allow_policy");
    expect(parseJsonAttribute(allow!.redrive_allow_policy)).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [`\${aws_sqs_queue.${queue[0]}.arn}`] });
  });

  it("denies every request not made over TLS, on both queues", () => {
    const policies = listOf(json, "aws_sqs_queue_policy").map((p) => parseJsonAttribute<Policy>(p.policy));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Statement).toContainEqual(
        expect.objectContaining({ Effect: "Deny", Action: "sqs:*", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      );
    }
  });
});

describe("SqsQueue options and access", () => {
  it("takes the receive count and retention from props", () => {
    const { json } = synthQueue({ maxReceiveCount: 3, messageRetentionSeconds: 86400, deadLetterRetentionSeconds: 172800, visibilityTimeoutSeconds: 90 });
    const { queue, dlq } = queues(json);
    expect((parseJsonAttribute(queue[1].redrive_policy) as { maxReceiveCount: number }).maxReceiveCount).toBe(3);
    expect(queue[1]).toEqual(expect.objectContaining({ message_retention_seconds: 86400, visibility_timeout_seconds: 90 }));
    expect(dlq[1]!.message_retention_seconds).toBe(172800);
  });

  it("refuses a dead-letter retention shorter than the queue's", () => {
    expect(() => synthQueue({ messageRetentionSeconds: 86400, deadLetterRetentionSeconds: 3600 })).toThrow(/deadLetterRetentionSeconds \(3600\) is shorter/);
  });

  it("refuses a name SQS would reject", () => {
    expect(() => synthQueue({ queueName: "orders.fifo" })).toThrow(/must be 1-76 letters/);
  });

  it("grants producers send and consumers receive/delete on this queue, with the key, named after the queue", () => {
    const { stack } = environmentStack();
    const kmsKey = new KmsKey(stack, "key", { alias: "test", description: "test" });
    const queue = new SqsQueue(stack, "orders", { queueName: "orders", kmsKey });
    const role = (id: string) => new RolePrincipal(new IamRole(stack, `${id}-task-role`, { name: id, assumeRolePolicy: "{}" }), { grantId: id });
    const send = queue.grantSendMessages(role("web")).principalStatements;
    const consume = queue.grantConsumeMessages(role("worker")).principalStatements;
    expect(send.map((s) => [s.sid, s.actions])).toEqual([
      ["OrdersSend1", ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]],
      ["OrdersSend2", ["kms:GenerateDataKey", "kms:Decrypt"]],
    ]);
    expect(consume[0]!.actions).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage"]));
    expect(consume[0]!.actions).not.toContain("sqs:SendMessage");
    expect(consume[1]).toEqual({ sid: "OrdersConsume2", actions: ["kms:Decrypt"], resources: [expect.any(String)] });
    // A bare role gets the statements in a policy next to it, named after the queue.
    const policies = resourcesOf(synthJson(stack), "aws_iam_role_policy");
    expect(Object.entries(policies).map(([id, p]) => [id, p.name])).toEqual([
      ["web-orders-send", "orders-queue"],
      ["worker-orders-consume", "orders-queue"],
    ]);
  });

  it("adds resource-policy statements to the main queue only", () => {
    const { stack } = environmentStack();
    const kmsKey = new KmsKey(stack, "key", { alias: "test", description: "test" });
    const queue = new SqsQueue(stack, "orders", { queueName: "orders", kmsKey });
    queue.addToPolicy({ sid: "EventsSend", principals: { type: "Service", identifiers: ["events.amazonaws.com"] }, actions: ["sqs:SendMessage"], resources: [queue.arn] });
    const sids = listOf(synthJson(stack), "aws_sqs_queue_policy").map((p) => parseJsonAttribute<Policy>(p.policy).Statement.map((s) => s.Sid));
    expect(sids).toEqual(expect.arrayContaining([["DenyInsecureTransport", "EventsSend"], ["DenyInsecureTransport"]]));
  });
});
