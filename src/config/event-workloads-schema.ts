/**
 * What runs inside every event environment: ECS services, database and cache sizing, the order
 * queue, log delivery, peering to the environment that receives the data, and the DMS task that
 * copies it there. Shared by every event (`events.platform`); an event differs from another only by
 * its calendar entry (times, CIDR, `expectedPeakRps`).
 *
 * Single-field rules live here; rules that relate fields (Fargate CPU/memory pairs, min <= max,
 * DMS mappings that collide, peering accounts) live in validate-event-workloads.ts.
 */
import { z } from "zod";

/** Fargate task CPU units. Each has its own memory range (checked in validate-event-workloads.ts). */
export const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** MySQL identifiers DMS maps by name: no wildcards (`%`, `_` patterns) and no quoting needed. */
const MYSQL_IDENTIFIER = /^[A-Za-z0-9$][A-Za-z0-9_$]{0,63}$/;

const positiveInt = (what: string) =>
  z.number().int({ message: `${what} must be a whole number` }).positive({ message: `${what} must be greater than 0` });

const isoDuration = z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/, {
  message: "must be an ISO-8601 duration in days, hours and minutes, e.g. PT30M or PT1H",
});

/** The image a service runs: one of the event repositories (`events.platform.ecr`), by tag or digest. */
export const eventServiceImageSchema = z.strictObject({
  /** A name from `events.platform.ecr.repositories` (the repository `{project}/event/<name>` of event-edge). */
  repository: z.string().min(1, { message: "must name a repository of events.platform.ecr.repositories" }),
  /** An immutable release tag (never `latest`). Exactly one of `tag` and `digest`. */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: "must be a Docker image tag (letters, digits, '_', '.', '-'; at most 128)" })
    .refine((t) => t !== "latest", { message: '"latest" is mutable (and the repositories refuse to overwrite tags); deploy a release tag or a digest' })
    .optional(),
  /** `sha256:<64 hex>`. Exactly one of `tag` and `digest`. */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, { message: "must look like sha256:<64 lowercase hex characters>" }).optional(),
});

export const eventServiceSchema = z.strictObject({
  /**
   * `http`: behind the ALB, scaled on CPU and on requests per target; `worker`: no load balancer
   * (queue consumers), scaled on CPU.
   */
  kind: z.enum(["http", "worker"], { message: 'must be "http" or "worker"' }),
  /** Task CPU units (1024 = 1 vCPU). */
  cpu: z.literal(FARGATE_CPU, { message: `must be one of the Fargate CPU sizes ${FARGATE_CPU.join(", ")}` }),
  /** Task memory in MiB; must be a valid pair with `cpu`. */
  memory: positiveInt("memory"),
  /** Container port (http services); the task's security group admits only this port. */
  port: z.number().int().min(1).max(65535).optional(),
  /** Path the ALB target group health check requests (http services). */
  healthCheckPath: z.string().regex(/^\/[\x21-\x7e]*$/, { message: "must be a path starting with '/'" }).optional(),
  /**
   * Paths the ALB routes to this service (http services), at most 4 (the origin-header check takes
   * the fifth condition value of the rule). Specific patterns are matched before the catch-all:
   * one http service may leave this out (or say `/*`) and receives everything else.
   * @default ["/*"] for an http service
   */
  pathPatterns: z
    .array(z.string().min(1).max(128))
    .min(1, { message: "needs at least one path pattern, e.g. /api/*" })
    .max(4, { message: "may have at most 4 path patterns (an ALB rule allows 5 condition values; the origin header takes one)" })
    .optional(),
  /** The image the service runs. */
  image: eventServiceImageSchema,
  /**
   * What one task sustains: requests/s for an http service, messages/s for a worker. Sizes the
   * pre-warm and the requests-per-target scaling target.
   */
  ratePerTask: positiveInt("ratePerTask"),
  /**
   * Fraction of the event's `expectedPeakRps` this service sees: 1 for the front door, less for an
   * API that only some page views call, the order rate for a queue worker.
   */
  trafficShare: z.number().gt(0, { message: "must be greater than 0" }).max(1, { message: "must be at most 1" }).default(1),
  /** Fewest tasks outside the sale window (and the floor during it). */
  minTasks: positiveInt("minTasks"),
  /** Most tasks autoscaling may run; also caps the pre-warm. */
  maxTasks: positiveInt("maxTasks"),
  /** Average CPU utilisation (%) the CPU target-tracking policy holds. */
  cpuTargetPercent: z.number().int().min(10).max(90).default(60),
});

/** Pre-warm: how far above the expected peak, and when, the services are scaled before the sale. */
export const eventCapacitySchema = z.strictObject({
  /** Extra capacity over the expected peak, in percent (a flash sale overshoots forecasts). */
  headroomPercent: z.number().int().min(0).max(500).default(30),
  /** How long before `opens` the minimum task count is raised to the pre-warm count. */
  prewarmBefore: isoDuration.default("PT30M"),
  /** How long after `closes` the minimum is lowered back to `minTasks`. */
  scaleDownAfter: isoDuration.default("PT15M"),
});

const dmsTableRef = z.strictObject({
  /** Schema (database) name, a plain MySQL identifier. */
  schema: z.string().regex(MYSQL_IDENTIFIER, { message: "must be a plain MySQL identifier (letters, digits, '_', '$'; no wildcards)" }),
  /** Table name, a plain MySQL identifier. */
  table: z.string().regex(MYSQL_IDENTIFIER, { message: "must be a plain MySQL identifier (letters, digits, '_', '$'; no wildcards)" }),
});

/** One event table copied into prod: selected by name, renamed into the prod schema. */
export const dmsTableMappingSchema = z.strictObject({
  /** The table in the event database. */
  source: dmsTableRef,
  /** The prod table it is written to (must exist: the task never creates or drops target tables). */
  target: dmsTableRef,
});

export const dmsSchema = z.strictObject({
  /** Replication instance class, e.g. dms.r6i.large. */
  instanceClass: z.string().regex(/^dms\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be a DMS instance class like dms.r6i.large" }),
  /** DMS engine version, pinned (an unpinned instance gets whatever is default on the day of the sale). */
  engineVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: "must be a pinned DMS engine version like 3.5.4" }),
  /** Standby replication instance in another AZ. */
  multiAz: z.boolean().default(true),
  /** Replication instance storage (GiB): holds cached changes and logs while the target lags. */
  allocatedStorageGb: z.number().int().min(5).max(6144).default(100),
  /**
   * LOB columns: `none` skips them (fails validation if the tables have any), `limited` truncates
   * at `lobMaxSizeKb` (fast; validation catches truncation), `full` copies every LOB in chunks (slow).
   */
  lobMode: z.enum(["none", "limited", "full"], { message: 'must be "none", "limited" or "full"' }).default("limited"),
  /** Largest LOB copied in `limited` mode (KB). */
  lobMaxSizeKb: z.number().int().min(1).max(102400).default(64),
  /** LOB chunk size in `full` mode (KB); AWS recommends 64. */
  lobChunkSizeKb: z.number().int().min(1).max(1024).default(64),
  /** Validation: rows that may fail before validation of the task is suspended. */
  validationFailureMaxCount: z.number().int().min(1).default(10000),
  /** Validation threads (each runs queries on the event and prod databases). */
  validationThreadCount: z.number().int().min(1).max(32).default(5),
  /** Binlog retention on the event database, set by the post-apply step: how long CDC can be behind before changes are lost. */
  binlogRetentionHours: z.number().int().min(1).max(168).default(48),
  /** Alarm when CDC latency (source or target) stays above this many seconds. */
  cdcLatencyAlarmSeconds: z.number().int().min(10).default(300),
  /** Event tables copied into prod. */
  tableMappings: z.array(dmsTableMappingSchema).min(1, { message: "needs at least one table to copy into prod" }),
});

export const eventAuroraSchema = z.strictObject({
  /** Aurora MySQL engine version, pinned, e.g. 8.0.mysql_aurora.3.08.0. */
  engineVersion: z.string().regex(/^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/, {
    message: "must be a pinned Aurora MySQL version like 8.0.mysql_aurora.3.08.0",
  }),
  /** Instances in the cluster (writer + readers). */
  instances: z.number().int().min(1).max(16).default(2),
  /** Serverless v2 ACU range, or a provisioned instance class. */
  sizing: z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("serverless-v2"),
      minCapacity: z.number().min(0.5).max(256),
      maxCapacity: z.number().min(1).max(256),
    }),
    z.strictObject({
      type: z.literal("provisioned"),
      instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an instance class like db.r6g.2xlarge" }),
    }),
  ]),
  /** Automated backup retention (days). */
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
});

export const eventRedisSchema = z.strictObject({
  /** ElastiCache node type, e.g. cache.r7g.large. */
  nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be a node type like cache.r7g.large" }),
  /** Redis / Valkey engine version, pinned. */
  engineVersion: z.string().regex(/^\d+\.\d+$/, { message: "must be a pinned engine version like 7.1" }),
  /** Replicas per shard (automatic failover needs at least one). */
  replicasPerShard: z.number().int().min(0).max(5).default(1),
  /**
   * Days of daily snapshots kept while the event runs (0 turns them off). The waiting room's tokens
   * can be rebuilt, but not under sale load; the snapshots go with the cache at teardown.
   */
  snapshotRetentionDays: z.number().int().min(0).max(35).default(1),
});

export const eventQueueSchema = z.strictObject({
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: z.number().int().min(1).max(1000).default(5),
  /** How long an order message is kept (hours). */
  retentionHours: z.number().int().min(1).max(336).default(96),
  /** How long a dead-lettered message is kept (hours); must be at least `retentionHours`. */
  deadLetterRetentionHours: z.number().int().min(1).max(336).default(336),
  /** Time a worker has to process a message before another may receive it (seconds). */
  visibilityTimeoutSeconds: z.number().int().min(0).max(43200).default(60),
});

export const eventFirehoseSchema = z.strictObject({
  /** Seconds Firehose buffers before writing an object. */
  bufferingIntervalSeconds: z.number().int().min(0).max(900).default(300),
  /** MiB Firehose buffers before writing an object. */
  bufferingSizeMb: z.number().int().min(1).max(128).default(64),
  /** Retention of the delivery-error log group (days; a CloudWatch Logs retention value). */
  errorLogRetentionDays: z.number().int().default(30),
});

export const eventPeeringSchema = z.strictObject({
  /**
   * Needed when events run in another account than `syncTo`: the role in that account the event
   * stack's accepter provider assumes to accept the peering and add routes to its data route table.
   */
  accepterRoleArn: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, { message: "must be an IAM role ARN like arn:aws:iam::123456789012:role/peering-accepter" })
    .optional(),
});

export const eventWorkloadsFields = {
  /** ECS services by name (`web`, `api`, `worker`...): DNS-safe names, they appear in resource names. */
  services: z
    .record(z.string().regex(DNS_LABEL, { message: "service names must be DNS-safe" }).max(16), eventServiceSchema)
    .refine((s) => Object.keys(s).length > 0, { message: "needs at least one service" }),
  capacity: eventCapacitySchema.default({ headroomPercent: 30, prewarmBefore: "PT30M", scaleDownAfter: "PT15M" }),
  /** The event database (Aurora MySQL, binlog on for DMS). */
  aurora: eventAuroraSchema,
  /** The event cache (the waiting room). */
  redis: eventRedisSchema,
  /** The order queue and its dead-letter queue. */
  queue: eventQueueSchema.default({ maxReceiveCount: 5, retentionHours: 96, deadLetterRetentionHours: 336, visibilityTimeoutSeconds: 60 }),
  /** Log delivery to the event-edge archive. */
  firehose: eventFirehoseSchema.default({ bufferingIntervalSeconds: 300, bufferingSizeMb: 64, errorLogRetentionDays: 30 }),
  /** Peering to `syncTo`: same account and region by default (auto-accepted). */
  peering: eventPeeringSchema.default({}),
  /** The DMS replication instance and the task that copies the event's tables into `syncTo`'s database. */
  dms: dmsSchema,
};

export type EventServiceConfig = z.output<typeof eventServiceSchema>;
export type EventServiceImageConfig = z.output<typeof eventServiceImageSchema>;
export type EventCapacityConfig = z.output<typeof eventCapacitySchema>;
export type DmsConfig = z.output<typeof dmsSchema>;
export type DmsTableMappingConfig = z.output<typeof dmsTableMappingSchema>;
export type EventAuroraConfig = z.output<typeof eventAuroraSchema>;
export type EventRedisConfig = z.output<typeof eventRedisSchema>;
export type EventQueueConfig = z.output<typeof eventQueueSchema>;
export type EventFirehoseConfig = z.output<typeof eventFirehoseSchema>;
export type EventPeeringConfig = z.output<typeof eventPeeringSchema>;
