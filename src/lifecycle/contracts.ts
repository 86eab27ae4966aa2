/**
 * The payload each lifecycle function accepts: one zod schema per function, strict, parsed by the
 * handler before it does anything. The state machine's Task states must compute payloads these
 * schemas accept; a contract test evaluates every Task of the synthesized definition and parses
 * its payload here, so the two cannot drift apart unnoticed again.
 *
 * Imports nothing but zod, so synthesis and the handlers' bundles share it cheaply.
 */
import { z } from "zod";

const name = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });

export const tfcRunRequestSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("start"),
    workspace: name,
    /** A destroy run instead of an apply run. */
    destroy: z.boolean(),
    message: z.string().max(500),
  }),
  z.strictObject({
    action: z.literal("status"),
    workspace: name,
    runId: z.string().regex(/^run-[A-Za-z0-9]+$/, { message: "must be a run id (run-...)" }),
    /** The intent the run must fulfil: a plan-only run or an apply run never fulfils a destroy. */
    destroy: z.boolean(),
  }),
  z.strictObject({
    action: z.literal("postpone-auto-destroy"),
    workspace: name,
    /** Move the workspace's auto-destroy (if set) to no earlier than this. */
    notBefore: isoTime,
  }),
]);
export type TfcRunRequest = z.output<typeof tfcRunRequestSchema>;

export const dmsRequestSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("stop-at"),
    taskId: name,
    /** Apply every change committed up to this time, then stop (`CdcStopPosition: commit_time:`). */
    commitTime: isoTime,
  }),
  z.strictObject({ action: z.literal("status"), taskId: name }),
]);
export type DmsRequest = z.output<typeof dmsRequestSchema>;

export const quiesceRequestSchema = z.strictObject({
  clusterName: name,
  /** Request-serving services: scaled to zero first, so no new order is written. */
  httpServices: z.array(name),
  /** Queue consumers: kept running until the queue is empty, then scaled to zero. */
  workerServices: z.array(name),
  queueName: name,
  deadLetterQueueName: name,
});
export type QuiesceRequest = z.output<typeof quiesceRequestSchema>;

export const eventDatabaseRequestSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("snapshot"), clusterId: name, snapshotId: name }),
  z.strictObject({ action: z.literal("unprotect"), clusterId: name }),
  z.strictObject({ action: z.literal("final-snapshot"), clusterId: name, snapshotId: name }),
]);
export type EventDatabaseRequest = z.output<typeof eventDatabaseRequestSchema>;

export const smokeCheckRequestSchema = z.strictObject({ url: z.string().url() });
export type SmokeCheckRequest = z.output<typeof smokeCheckRequestSchema>;

export const postApplyRequestSchema = z.strictObject({
  /** post-apply: binlog retention and the DMS source user; start-replication: the DMS task's first start. */
  action: z.enum(["post-apply", "start-replication"]),
  /** The event's slug, for the log. */
  event: name,
  workspace: name,
  /** The apply run this step follows. */
  runId: name,
});
export type PostApplyRequest = z.output<typeof postApplyRequestSchema>;

export const dataCheckRequestSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("key-block"), event: name }),
  z.strictObject({
    action: z.literal("reconcile"),
    event: name,
    /** Where the previous invocation stopped; absent to start from the first table. */
    cursor: z.unknown().optional(),
  }),
]);
export type DataCheckRequest = z.output<typeof dataCheckRequestSchema>;

/** The fields of the lifecycle input's event that notifications read. */
// Plain objects: other fields of the lifecycle input's event are allowed and left out.
const notifiedEvent = z.object({
  slug: name,
  name: name,
  stackId: name,
  workspace: name,
  ownerChannel: z.string(),
  opensAt: z.string(),
  smokeCheckUrl: z.string(),
  finalSnapshotId: name,
});

export const notifyRequestSchema = z.strictObject({
  kind: z.enum(["spun-up", "torn-down", "not-verified", "run-waiting", "failed"]),
  action: z.enum(["up", "down"]),
  scheduledAt: z.string().optional(),
  event: notifiedEvent,
  run: z.object({ runId: z.string().optional(), status: z.string().optional(), url: z.string().optional(), waiting: z.object({ reason: z.string(), advice: z.string() }).optional() }).optional(),
  verification: z.strictObject({ reasons: z.array(z.string()) }).optional(),
  failure: z.object({ step: z.string().optional(), Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  attempt: z.number().int().min(1).optional(),
  maxAttempts: z.number().int().min(1).optional(),
  nextCheckSeconds: z.number().min(0).optional(),
});
export type NotifyRequest = z.output<typeof notifyRequestSchema>;

/** A payload a function refused: never retried, the Catch names the fields. */
export class InvalidPayload extends Error {
  override readonly name = "InvalidPayload";
}

/** Parses a function's payload; a mismatch is an {@link InvalidPayload} naming each bad field. */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown, fn: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(payload)"}: ${i.message}`).join("; ");
  throw new InvalidPayload(`${fn} refused its payload: ${problems}`);
}

/** Each function's payload schema, by the handler key the bundles and stacks use. */
export const PAYLOAD_SCHEMAS = {
  tfcRun: tfcRunRequestSchema,
  dmsReplication: dmsRequestSchema,
  eventDatabase: eventDatabaseRequestSchema,
  quiesce: quiesceRequestSchema,
  smokeCheck: smokeCheckRequestSchema,
  notify: notifyRequestSchema,
  postApply: postApplyRequestSchema,
  dataCheck: dataCheckRequestSchema,
} as const satisfies Record<string, z.ZodType>;
