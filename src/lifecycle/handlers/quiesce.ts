/**
 * Lambda: quiesces an event before its data is checked. Called repeatedly until `quiesced`:
 * 1. every request-serving service is pinned to zero tasks (its scalable target to 0..0, so
 *    neither target tracking nor the pre-warm schedule brings tasks back, then desired count 0):
 *    no new order can be written;
 * 2. the queue consumers keep running until the order queue is empty (visible, in flight and
 *    delayed messages all zero): every accepted order is written to the database;
 * 3. the dead-letter queue must be empty: each message there is an order the worker could not
 *    write. The step never proceeds past one; it reports it, and a person redrives it to the
 *    queue (the worker then writes it) or exports it, and the teardown goes on at its next check;
 * 4. then the consumers go to zero too, and `quiescedAt` is the time after which nothing writes:
 *    the commit time DMS applies up to.
 */
import { ApplicationAutoScalingClient, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parsePayload, quiesceRequestSchema } from "../contracts";
import { classifyAwsError } from "./runtime";

export type { QuiesceRequest } from "../contracts";

export interface QuiesceResult {
  readonly quiesced: boolean;
  /** draining: waiting for tasks to stop or the queue to empty; blocked: needs a person. */
  readonly phase: "draining" | "blocked" | "quiesced";
  readonly reasons: string[];
  readonly queue: { readonly messages: number; readonly deadLetters: number };
  /** Set once quiesced: nothing writes to the event database after this instant. */
  readonly quiescedAt?: string;
}

export interface QuiesceDeps {
  readonly ecs: Pick<ECSClient, "send">;
  readonly autoscaling: Pick<ApplicationAutoScalingClient, "send">;
  readonly sqs: Pick<SQSClient, "send">;
  readonly now: () => Date;
}

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    return classifyAwsError(error);
  }
}

export function createQuiesceHandler(deps: QuiesceDeps): (input: unknown) => Promise<QuiesceResult> {
  const scaleToZero = async (cluster: string, services: readonly string[]): Promise<{ running: number; notStopped: string[] }> => {
    if (services.length === 0) return { running: 0, notStopped: [] };
    for (const service of services) {
      await call(() =>
        deps.autoscaling.send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: "ecs",
            ResourceId: `service/${cluster}/${service}`,
            ScalableDimension: "ecs:service:DesiredCount",
            MinCapacity: 0,
            MaxCapacity: 0,
          }),
        ),
      );
      await call(() => deps.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 })));
    }
    const described = await call(() => deps.ecs.send(new DescribeServicesCommand({ cluster, services: [...services] })));
    const missing = services.filter((s) => !(described.services ?? []).some((d) => d.serviceName === s));
    if (missing.length > 0) throw new Error(`ECS services not found in ${cluster}: ${missing.join(", ")}`);
    const notStopped = (described.services ?? []).filter((s) => (s.runningCount ?? 0) + (s.pendingCount ?? 0) > 0);
    return { running: notStopped.reduce((n, s) => n + (s.runningCount ?? 0) + (s.pendingCount ?? 0), 0), notStopped: notStopped.map((s) => s.serviceName ?? "?") };
  };

  const depth = async (queueName: string): Promise<number> => {
    const url = (await call(() => deps.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })))).QueueUrl;
    const attributes =
      (
        await call(() =>
          deps.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
            }),
          ),
        )
      ).Attributes ?? {};
    return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  };

  return async (input) => {
    const request = parsePayload(quiesceRequestSchema, input, "quiesce");
    const reasons: string[] = [];
    const http = await scaleToZero(request.clusterName, request.httpServices);
    if (http.running > 0) reasons.push(`${http.running} request-serving tasks still stopping (${http.notStopped.join(", ")})`);
    const messages = await depth(request.queueName);
    const deadLetters = await depth(request.deadLetterQueueName);
    const queue = { messages, deadLetters };
    if (deadLetters > 0) {
      reasons.push(
        `${deadLetters} orders in the dead-letter queue ${request.deadLetterQueueName}: redrive them to ${request.queueName} ` +
          `(aws sqs start-message-move-task --source-arn <dead-letter queue ARN>) so the worker writes them, or export them to the archive and delete them; the teardown waits until it is empty`,
      );
      return { quiesced: false, phase: "blocked", reasons, queue };
    }
    if (http.running > 0 || messages > 0) {
      if (messages > 0) reasons.push(`${messages} orders still in ${request.queueName}; the worker keeps running until it is empty`);
      return { quiesced: false, phase: "draining", reasons, queue };
    }
    const workers = await scaleToZero(request.clusterName, request.workerServices);
    if (workers.running > 0) {
      reasons.push(`${workers.running} worker tasks still stopping (${workers.notStopped.join(", ")})`);
      return { quiesced: false, phase: "draining", reasons, queue };
    }
    return { quiesced: true, phase: "quiesced", reasons: [], queue, quiescedAt: deps.now().toISOString() };
  };
}

export const handler = createQuiesceHandler({
  ecs: new ECSClient({}),
  autoscaling: new ApplicationAutoScalingClient({}),
  sqs: new SQSClient({}),
  now: () => new Date(),
});
