import { ApplicationAutoScalingClient, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { InvalidPayload } from "../../../src/lifecycle/contracts";
import { createQuiesceHandler } from "../../../src/lifecycle/handlers/quiesce";

const ecsMock = mockClient(ECSClient);
const scalingMock = mockClient(ApplicationAutoScalingClient);
const sqsMock = mockClient(SQSClient);
const NOW = new Date("2026-12-06T01:00:00Z");
const handler = createQuiesceHandler({ ecs: new ECSClient({}), autoscaling: new ApplicationAutoScalingClient({}), sqs: new SQSClient({}), now: () => NOW });

const CLUSTER = "flashcrowd-event-dec-flash-sale";
const request = {
  clusterName: CLUSTER,
  httpServices: ["web", "api"],
  workerServices: ["order-worker"],
  queueName: "flashcrowd-event-dec-flash-sale-orders",
  deadLetterQueueName: "flashcrowd-event-dec-flash-sale-orders-dlq",
};
const QUEUE_URL = "https://sqs.ap-northeast-2.amazonaws.com/210987654321/orders";
const DLQ_URL = "https://sqs.ap-northeast-2.amazonaws.com/210987654321/orders-dlq";

/** Running task counts per service; queue depths as [visible, in flight, delayed]. */
function given(options: { running?: Record<string, number>; queue?: [number, number, number]; deadLetters?: number } = {}): void {
  const running = options.running ?? {};
  ecsMock.on(UpdateServiceCommand).resolves({});
  scalingMock.on(RegisterScalableTargetCommand).resolves({});
  ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services.map((name): Service => ({ serviceName: name, runningCount: running[name] ?? 0, pendingCount: 0 })),
  }));
  sqsMock.on(GetQueueUrlCommand, { QueueName: request.queueName }).resolves({ QueueUrl: QUEUE_URL });
  sqsMock.on(GetQueueUrlCommand, { QueueName: request.deadLetterQueueName }).resolves({ QueueUrl: DLQ_URL });
  const [visible, inFlight, delayed] = options.queue ?? [0, 0, 0];
  sqsMock.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).resolves({
    Attributes: { ApproximateNumberOfMessages: `${visible}`, ApproximateNumberOfMessagesNotVisible: `${inFlight}`, ApproximateNumberOfMessagesDelayed: `${delayed}` },
  });
  sqsMock.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL }).resolves({ Attributes: { ApproximateNumberOfMessages: `${options.deadLetters ?? 0}` } });
}

const scaledServices = () => ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.service);

beforeEach(() => {
  ecsMock.reset();
  scalingMock.reset();
  sqsMock.reset();
});

describe("quiesce", () => {
  it("pins the request-serving services to zero, scalable target first, so nothing scales them back", async () => {
    given({ queue: [3, 0, 0] });
    await handler(request);
    expect(scalingMock.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input)).toEqual(
      ["web", "api"].map((s) => ({ ServiceNamespace: "ecs", ResourceId: `service/${CLUSTER}/${s}`, ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 0, MaxCapacity: 0 })),
    );
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, service: "web", desiredCount: 0 },
      { cluster: CLUSTER, service: "api", desiredCount: 0 },
    ]);
  });

  it.each([
    ["visible", [4, 0, 0]],
    ["in flight", [0, 2, 0]],
    ["delayed", [0, 0, 1]],
  ] as const)("keeps the worker running while orders are %s in the queue", async (_, queue) => {
    given({ queue: [...queue] });
    const result = await handler(request);
    expect(scaledServices()).not.toContain("order-worker");
    expect(result).toMatchObject({ quiesced: false, phase: "draining" });
    expect(result.quiescedAt).toBeUndefined();
  });

  it("keeps the worker running while request-serving tasks are still stopping", async () => {
    given({ running: { web: 2 } });
    const result = await handler(request);
    expect(scaledServices()).not.toContain("order-worker");
    expect(result).toMatchObject({ quiesced: false, phase: "draining" });
    expect(result.reasons.join(" ")).toMatch(/web/);
  });

  it("blocks on a non-empty dead-letter queue and says how to redrive it", async () => {
    given({ deadLetters: 2 });
    const result = await handler(request);
    expect(result).toMatchObject({ quiesced: false, phase: "blocked", queue: { messages: 0, deadLetters: 2 } });
    expect(result.reasons.join(" ")).toMatch(/start-message-move-task/);
    expect(result.reasons.join(" ")).toContain(request.deadLetterQueueName);
    expect(scaledServices()).not.toContain("order-worker");
    expect(result.quiescedAt).toBeUndefined();
  });

  it("scales the worker to zero once the queues are empty, and waits for its tasks to stop", async () => {
    given({ running: { "order-worker": 1 } });
    const result = await handler(request);
    expect(scaledServices()).toContain("order-worker");
    expect(result).toMatchObject({ quiesced: false, phase: "draining" });
    expect(result.quiescedAt).toBeUndefined();
  });

  it("reports the quiesce time only when every service has stopped and both queues are empty", async () => {
    given();
    const result = await handler(request);
    expect(result).toEqual({ quiesced: true, phase: "quiesced", reasons: [], queue: { messages: 0, deadLetters: 0 }, quiescedAt: NOW.toISOString() });
  });

  it("fails on a service that does not exist rather than treating it as stopped", async () => {
    given();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [{ serviceName: "web", runningCount: 0 }] });
    await expect(handler(request)).rejects.toThrow(/api/);
  });

  it.each([
    ["no queue name", { ...request, queueName: "" }, /queueName/],
    ["a service list that is not a list", { ...request, httpServices: "web" }, /httpServices/],
    ["an unknown field", { ...request, force: true }, /force/],
  ])("refuses %s before touching anything", async (_, payload, field) => {
    const refusal = handler(payload);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPayload);
    await expect(refusal).rejects.toThrow(field);
    expect([...ecsMock.calls(), ...sqsMock.calls(), ...scalingMock.calls()]).toHaveLength(0);
  });
});
