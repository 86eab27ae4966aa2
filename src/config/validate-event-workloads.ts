/**
 * Cross-field rules of the event workloads (`events.platform.services`, `capacity`, `dms`,
 * `peering`, ...). Called by validateConfig once the calendar is resolved; every problem names its
 * field and the fix.
 */
import type { Duration } from "luxon";
import { prewarmTaskCount } from "./capacity";
import { LOG_RETENTION_DAYS, type EnvironmentConfig, type EventPlatformConfig } from "./schema";
import { parseDuration } from "./time";

/** Time an event stack's apply needs before the pre-warm may start (Aurora and the DMS instance take the longest). */
export const MIN_APPLY_MINUTES = 45;

/** Fargate's valid memory sizes (MiB) per CPU size. */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number; also?: readonly number[] }> = {
  256: { min: 1024, max: 2048, step: 1024, also: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export function fargateMemoryProblem(cpu: number, memory: number): string | undefined {
  const range = FARGATE_MEMORY[cpu];
  if (!range) return `${cpu} is not a Fargate CPU size`;
  const ok = range.also?.includes(memory) || (memory >= range.min && memory <= range.max && (memory - range.min) % range.step === 0);
  if (ok) return undefined;
  const options = `${range.also ? `${range.also.join(", ")}, ` : ""}${range.min} to ${range.max} in steps of ${range.step}`;
  return `${memory} MiB is not a Fargate memory size for cpu ${cpu}; use ${options}`;
}

/** The parts of a resolved calendar entry these rules read. */
export interface EventForWorkloads {
  readonly path: string;
  readonly slug: string;
  readonly expectedPeakRps: number;
  readonly lead: Duration;
}

export function checkEventWorkloads(
  platform: EventPlatformConfig,
  environments: Readonly<Record<string, EnvironmentConfig>>,
  events: readonly EventForWorkloads[],
  report: (path: string, message: string) => void,
): void {
  const at = (field: string) => `events.platform.${field}`;

  // Repositories.
  const repositories = new Set<string>();
  platform.ecr.repositories.forEach((name, i) => {
    if (repositories.has(name)) report(at(`ecr.repositories[${i}]`), `"${name}" is listed twice; list each repository once`);
    repositories.add(name);
  });

  // Services.
  const catchAll: string[] = [];
  for (const [name, service] of Object.entries(platform.services)) {
    const path = at(`services.${name}`);
    const memory = fargateMemoryProblem(service.cpu, service.memory);
    if (memory) report(`${path}.memory`, memory);
    const image = service.image;
    if ((image.tag === undefined) === (image.digest === undefined)) {
      report(`${path}.image`, "needs exactly one of tag (an immutable release tag) and digest (sha256:...)");
    }
    if (!repositories.has(image.repository)) {
      report(
        `${path}.image.repository`,
        `"${image.repository}" is not in events.platform.ecr.repositories (${platform.ecr.repositories.join(", ") || "none"}); add it there (event-edge creates it) or use one of those`,
      );
    }
    if (service.minTasks > service.maxTasks) {
      report(`${path}.minTasks`, `${service.minTasks} is greater than maxTasks (${service.maxTasks}); lower minTasks or raise maxTasks`);
    }
    if (service.kind === "http") {
      if (service.port === undefined) report(`${path}.port`, "is required for an http service (the ALB forwards to it)");
      if (service.healthCheckPath === undefined) {
        report(`${path}.healthCheckPath`, "is required for an http service (the ALB health check requests it)");
      }
      if (service.pathPatterns === undefined || service.pathPatterns.includes("/*")) catchAll.push(name);
    } else {
      if (service.pathPatterns !== undefined) report(`${path}.pathPatterns`, "a worker takes no traffic from the load balancer; remove pathPatterns or make it an http service");
      if (service.port !== undefined) report(`${path}.port`, "a worker takes no traffic from the load balancer; remove port or make it an http service");
      if (service.healthCheckPath !== undefined) report(`${path}.healthCheckPath`, "a worker has no load balancer health check; remove healthCheckPath");
    }
  }

  if (catchAll.length > 1) {
    report(
      at(`services.${catchAll[1]}.pathPatterns`),
      `"${catchAll[0]}" already takes every path (no pathPatterns, or "/*"); give the other http services their own paths, e.g. ["/${catchAll[1]}/*"]`,
    );
  }

  // Pre-warm timing and size, per event.
  const prewarmBefore = parseDuration(platform.capacity.prewarmBefore);
  const scaleDownAfter = parseDuration(platform.capacity.scaleDownAfter);
  if (prewarmBefore.as("minutes") < 5) {
    report(at("capacity.prewarmBefore"), `${platform.capacity.prewarmBefore} gives new tasks no time to start and pass health checks; use at least PT5M`);
  }
  if (scaleDownAfter.as("minutes") > 24 * 60) {
    report(at("capacity.scaleDownAfter"), `${platform.capacity.scaleDownAfter} keeps the pre-warmed fleet for more than a day after closing; use at most P1D`);
  }
  for (const event of events) {
    const spare = event.lead.as("minutes") - prewarmBefore.as("minutes");
    if (spare < MIN_APPLY_MINUTES) {
      report(
        `${event.path}.leadTime (event "${event.slug}")`,
        `${event.lead.toISO()} leaves ${Math.max(0, Math.round(spare))} minutes between spin-up and the pre-warm at opens - ${platform.capacity.prewarmBefore}; ` +
          `the stack needs ${MIN_APPLY_MINUTES}, so make leadTime at least ${MIN_APPLY_MINUTES} minutes longer than events.platform.capacity.prewarmBefore`,
      );
    }
    for (const [name, service] of Object.entries(platform.services)) {
      if (service.minTasks > service.maxTasks) continue;
      const plan = prewarmTaskCount({ ...service, expectedPeakRps: event.expectedPeakRps, headroomPercent: platform.capacity.headroomPercent });
      if (plan.capped) {
        report(
          `${event.path}.expectedPeakRps (event "${event.slug}")`,
          `${event.expectedPeakRps} rps needs ${plan.needed} "${name}" tasks with ${platform.capacity.headroomPercent}% headroom, ` +
            `but events.platform.services.${name}.maxTasks is ${service.maxTasks}; raise maxTasks or ratePerTask, or lower the expected peak`,
        );
      }
    }
  }

  // Database sizing.
  if (platform.aurora.instances > platform.availabilityZones.length) {
    report(
      at("aurora.instances"),
      `${platform.aurora.instances} instances need one availability zone each, but events.platform.availabilityZones lists ${platform.availabilityZones.length}; use at most ${platform.availabilityZones.length} or add zones`,
    );
  }
  const sizing = platform.aurora.sizing;
  if (sizing.type === "serverless-v2" && sizing.minCapacity > sizing.maxCapacity) {
    report(at("aurora.sizing.minCapacity"), `${sizing.minCapacity} ACU is greater than maxCapacity (${sizing.maxCapacity}); lower minCapacity or raise maxCapacity`);
  }

  // Queue.
  if (platform.queue.deadLetterRetentionHours < platform.queue.retentionHours) {
    report(
      at("queue.deadLetterRetentionHours"),
      `${platform.queue.deadLetterRetentionHours} is shorter than retentionHours (${platform.queue.retentionHours}); a dead-lettered order keeps its original enqueue time and would expire sooner than it could be looked at`,
    );
  }

  // Firehose.
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(platform.firehose.errorLogRetentionDays)) {
    report(at("firehose.errorLogRetentionDays"), `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }

  // DMS: each source table once, each target table once, one target schema per source schema
  // (a schema rename rule maps a whole schema).
  const sources = new Map<string, number>();
  const targets = new Map<string, number>();
  const schemaTargets = new Map<string, { schema: string; index: number }>();
  platform.dms.tableMappings.forEach((m, i) => {
    const path = at(`dms.tableMappings[${i}]`);
    const source = `${m.source.schema}.${m.source.table}`;
    const target = `${m.target.schema}.${m.target.table}`;
    const firstSource = sources.get(source);
    if (firstSource !== undefined) report(`${path}.source`, `${source} is already mapped by dms.tableMappings[${firstSource}]; map each event table once`);
    else sources.set(source, i);
    const firstTarget = targets.get(target);
    if (firstTarget !== undefined) {
      report(`${path}.target`, `${target} is already the target of dms.tableMappings[${firstTarget}]; two event tables cannot write one prod table`);
    } else {
      targets.set(target, i);
    }
    const schema = schemaTargets.get(m.source.schema);
    if (schema && schema.schema !== m.target.schema) {
      report(
        `${path}.target.schema`,
        `source schema ${m.source.schema} already goes to ${schema.schema} (dms.tableMappings[${schema.index}]); DMS renames a whole schema, so every table of one event schema must land in the same prod schema`,
      );
    } else if (!schema) {
      schemaTargets.set(m.source.schema, { schema: m.target.schema, index: i });
    }
  });
  if (!platform.network.interfaceEndpoints.includes("secretsmanager")) {
    report(
      at("network.interfaceEndpoints"),
      'must include "secretsmanager": DMS runs in the data subnets, which have no route to the internet, and reads its endpoint credentials from Secrets Manager',
    );
  }

  // Peering to the environment that receives the data.
  const target = environments[platform.syncTo];
  if (target) {
    const roleArn = platform.peering.accepterRoleArn;
    if (target.account !== platform.account && !roleArn) {
      report(
        at("peering.accepterRoleArn"),
        `is required: events run in account ${platform.account} but syncTo "${platform.syncTo}" is in ${target.account}; give the role in ${target.account} that accepts the peering and adds routes`,
      );
    }
    if (target.account === platform.account && roleArn) {
      report(at("peering.accepterRoleArn"), `events and syncTo "${platform.syncTo}" share account ${target.account}, so the peering is accepted directly; remove accepterRoleArn`);
    }
    if (roleArn && target.account !== platform.account && roleArn.split(":")[4] !== target.account) {
      report(at("peering.accepterRoleArn"), `${roleArn} is not in syncTo "${platform.syncTo}"'s account ${target.account}; use a role of that account`);
    }
  }
}
