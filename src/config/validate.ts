/**
 * Turns config input into a validated {@link Config}: schema first, then the rules that relate
 * fields to each other. Every problem is collected and reported at once, each naming its field and
 * the fix, so a bad config never reaches synthesis.
 */
import type { DateTime, Duration } from "luxon";
import type { z } from "zod";
import { contains, firstFree, formatCidr, overlaps, parseCidr, cidrProblem, type Ipv4Block } from "./cidr";
import {
  RESERVED_STACK_IDS,
  configSchema,
  type ConfigInput,
  type EnvironmentConfig,
  type EventEntry,
  type EventPlatformConfig,
  type ParsedConfig,
} from "./schema";
import { planSubnets } from "./subnet-plan";
import { checkEventWorkloads } from "./validate-event-workloads";
import { parseDuration, parseInstant } from "./time";

/** Longest workspace name Terraform Cloud accepts. */
const MAX_WORKSPACE_NAME = 90;
const MIN_LEAD_MINUTES = 30;
const MAX_LEAD_MINUTES = 7 * 24 * 60;
const MAX_GRACE_MINUTES = 2 * 24 * 60;

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `events.calendar[1].cidr`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** A calendar entry with its times resolved. */
export interface ResolvedEvent extends EventEntry {
  /** Stack id and workspace suffix: `event-<slug>`. */
  readonly stackId: string;
  /** IANA zone the schedules use: `timeZone`, or UTC when only an offset was given. */
  readonly zone: string;
  readonly opensAt: DateTime;
  readonly closesAt: DateTime;
  readonly lead: Duration;
  readonly graceDuration: Duration;
  /** `opens - lead`: when the environment is applied. */
  readonly spinUpAt: DateTime;
  /** `closes + grace`: when the verified teardown starts. */
  readonly teardownAt: DateTime;
}

export interface Config {
  readonly project: ParsedConfig["project"] & {
    readonly terraformCloud: ParsedConfig["project"]["terraformCloud"] & { readonly project: string };
  };
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
  readonly events: {
    readonly platform: EventPlatformConfig;
    readonly calendar: readonly ResolvedEvent[];
  };
}

/** Environment variables that override config. */
export interface ConfigEnv {
  /** Terraform Cloud organization, overriding `project.terraformCloud.organization`. */
  readonly TFC_ORG?: string;
  readonly [name: string]: string | undefined;
}

export function validateConfig(input: ConfigInput, env: ConfigEnv = {}): Config {
  const withOverrides = applyEnvOverrides(input, env);
  const parsed = configSchema.safeParse(withOverrides);
  if (!parsed.success) throw new ConfigError(fromZod(parsed.error, withOverrides));
  const problems: ConfigProblem[] = [];
  const config = crossValidate(parsed.data, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function applyEnvOverrides(input: ConfigInput, env: ConfigEnv): ConfigInput {
  const org = env.TFC_ORG?.trim();
  if (!org) return input;
  return {
    ...input,
    project: { ...input.project, terraformCloud: { ...input.project?.terraformCloud, organization: org } },
  };
}

function crossValidate(cfg: ParsedConfig, problems: ConfigProblem[]): Config {
  const report = (path: string, message: string) => problems.push({ path, message });

  // Stack ids and workspace names.
  for (const id of Object.keys(cfg.environments)) {
    const path = `environments.${id}`;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(id) || id.length > 20) {
      report(path, `environment id "${id}" must be DNS-safe (lowercase letters, digits, '-') and at most 20 characters`);
    } else if ((RESERVED_STACK_IDS as readonly string[]).includes(id) || id.startsWith("event-") || id.endsWith("-addons")) {
      report(path, `"${id}" is reserved for another stack (control, tfc, event-*, *-addons); rename the environment`);
    }
  }
  if (Object.keys(cfg.environments).length === 0) {
    report("environments", "at least one environment is needed (the one events sync to); add prod");
  }

  // Each environment on its own.
  const vpcs: { path: string; block: Ipv4Block; text: string }[] = [];
  for (const [id, env] of Object.entries(cfg.environments)) {
    const path = `environments.${id}`;
    checkAwsTarget(path, env, report);
    const problem = cidrProblem(env.network.cidr);
    if (problem) {
      report(`${path}.network.cidr`, `${problem}; use a block like 10.0.0.0/16`);
      continue;
    }
    const block = parseCidr(env.network.cidr);
    for (const other of vpcs) {
      if (overlaps(other.block, block)) {
        report(`${path}.network.cidr`, `${env.network.cidr} overlaps ${other.path} (${other.text}); environments are peered with events, give each its own block`);
      }
    }
    vpcs.push({ path: `${path}.network.cidr`, block, text: env.network.cidr });
    const plan = planSubnets({ ...env.network, availabilityZones: env.availabilityZones });
    if (typeof plan === "string") report(`${path}.network`, plan);
    if (env.logs.expireDays <= env.logs.transitionToGlacierDays) {
      report(`${path}.logs.expireDays`, `${env.logs.expireDays} must be greater than transitionToGlacierDays (${env.logs.transitionToGlacierDays}); Glacier objects are billed for at least 90 days`);
    }
  }

  // Event platform.
  const platform = cfg.events.platform;
  checkAwsTarget("events.platform", platform, report);
  if (!(platform.syncTo in cfg.environments)) {
    report(
      "events.platform.syncTo",
      `"${platform.syncTo}" is not an environment; use one of: ${Object.keys(cfg.environments).join(", ") || "(none)"}`,
    );
  }
  const defaultLead = checkDuration("events.platform.leadTime", platform.leadTime, MIN_LEAD_MINUTES, MAX_LEAD_MINUTES, report);
  const defaultGrace = checkDuration("events.platform.grace", platform.grace, 0, MAX_GRACE_MINUTES, report);
  let pool: Ipv4Block | undefined;
  const poolProblem = cidrProblem(platform.cidrPool);
  if (poolProblem) {
    report("events.platform.cidrPool", `${poolProblem}; use a block like 10.64.0.0/12`);
  } else {
    pool = parseCidr(platform.cidrPool);
    for (const vpc of vpcs) {
      if (overlaps(pool, vpc.block)) {
        report(
          "events.platform.cidrPool",
          `${platform.cidrPool} overlaps ${vpc.path} (${vpc.text}); event VPCs are peered to prod, so pick a pool outside every environment`,
        );
      }
    }
  }

  // Calendar.
  const calendar: ResolvedEvent[] = [];
  const seenSlugs = new Map<string, number>();
  cfg.events.calendar.forEach((event, i) => {
    const path = `events.calendar[${i}]`;
    const label = ` (event "${event.slug}")`;
    const at = (field: string) => `${path}.${field}${label}`;
    const before = problems.length;

    const first = seenSlugs.get(event.slug);
    if (first !== undefined) {
      report(at("slug"), `duplicate of events.calendar[${first}].slug; every event needs its own slug (it names the stack)`);
    } else {
      seenSlugs.set(event.slug, i);
    }

    const opens = parseInstant(event.opens, event.timeZone);
    const closes = parseInstant(event.closes, event.timeZone);
    if (!opens.ok) report(at("opens"), opens.message);
    if (!closes.ok) report(at("closes"), closes.message);
    if (opens.ok && closes.ok && closes.at <= opens.at) {
      report(at("closes"), `${event.closes} is not after opens (${event.opens}); closes must be later than opens`);
    }
    const lead = event.leadTime ? checkDuration(at("leadTime"), event.leadTime, MIN_LEAD_MINUTES, MAX_LEAD_MINUTES, report) : defaultLead;
    const grace = event.grace ? checkDuration(at("grace"), event.grace, 0, MAX_GRACE_MINUTES, report) : defaultGrace;

    const cidrText = event.cidr;
    const problem = cidrProblem(cidrText);
    if (problem) {
      report(at("cidr"), `${problem}; take a free block from events.platform.cidrPool (${platform.cidrPool})`);
    } else {
      const block = parseCidr(cidrText);
      const otherEvents = cfg.events.calendar
        .filter((other, j) => j !== i && !cidrProblem(other.cidr))
        .map((other) => parseCidr(other.cidr));
      const taken = [...vpcs.map((v) => v.block), ...otherEvents];
      const suggestion = () => {
        const free = pool ? firstFree(pool, block.prefix, [...taken, block]) : undefined;
        return free ? `; ${formatCidr(free)} is free` : "";
      };
      if (pool && !contains(pool, block)) {
        report(at("cidr"), `${cidrText} is outside events.platform.cidrPool ${platform.cidrPool}${suggestion()}`);
      }
      for (const vpc of vpcs) {
        if (overlaps(vpc.block, block)) {
          report(at("cidr"), `${cidrText} overlaps ${vpc.path} (${vpc.text})${suggestion()}`);
        }
      }
      cfg.events.calendar.slice(0, i).forEach((other, j) => {
        if (!cidrProblem(other.cidr) && overlaps(parseCidr(other.cidr), block)) {
          report(at("cidr"), `${cidrText} overlaps events.calendar[${j}].cidr (${other.cidr}, event "${other.slug}")${suggestion()}`);
        }
      });
      const plan = planSubnets({ ...platform.network, cidr: cidrText, availabilityZones: platform.availabilityZones });
      if (typeof plan === "string") report(at("cidr"), plan);
    }

    if (problems.length === before && opens.ok && closes.ok && lead && grace) {
      calendar.push({
        ...event,
        stackId: `event-${event.slug}`,
        zone: event.timeZone ?? "UTC",
        opensAt: opens.at,
        closesAt: closes.at,
        lead,
        graceDuration: grace,
        spinUpAt: opens.at.minus(lead),
        teardownAt: closes.at.plus(grace),
      });
    }
  });

  checkEventWorkloads(
    platform,
    cfg.environments,
    calendar.map((e) => ({ ...e, path: `events.calendar[${cfg.events.calendar.findIndex((c) => c.slug === e.slug)}]` })),
    report,
  );

  const stackIds = [...Object.keys(cfg.environments), ...cfg.events.calendar.map((e) => `event-${e.slug}`)];
  for (const id of stackIds) {
    const workspace = `${cfg.project.name}-${id}`;
    if (workspace.length > MAX_WORKSPACE_NAME) {
      report("project.name", `workspace name "${workspace}" is longer than ${MAX_WORKSPACE_NAME}; shorten the project name or the stack id`);
    }
  }

  return {
    project: {
      ...cfg.project,
      terraformCloud: { ...cfg.project.terraformCloud, project: cfg.project.terraformCloud.project ?? cfg.project.name },
    },
    environments: cfg.environments,
    events: { platform, calendar },
  };
}

function checkAwsTarget(
  path: string,
  target: Pick<EnvironmentConfig, "region" | "secondaryRegion" | "availabilityZones">,
  report: (path: string, message: string) => void,
): void {
  if (target.secondaryRegion === target.region) {
    report(`${path}.secondaryRegion`, `must differ from region (${target.region}); copies in the same region do not survive a regional outage`);
  }
  const seen = new Set<string>();
  target.availabilityZones.forEach((az, i) => {
    if (!new RegExp(`^${target.region}[a-z]$`).test(az)) {
      report(
        `${path}.availabilityZones[${i}]`,
        `"${az}" is not an availability zone of ${target.region}; use names like ${target.region}a, ${target.region}c`,
      );
    }
    if (seen.has(az)) report(`${path}.availabilityZones[${i}]`, `"${az}" is listed twice; list each zone once`);
    seen.add(az);
  });
}

function checkDuration(
  path: string,
  iso: string,
  minMinutes: number,
  maxMinutes: number,
  report: (path: string, message: string) => void,
): Duration | undefined {
  const d = parseDuration(iso);
  const minutes = d.as("minutes");
  if (minutes < minMinutes || minutes > maxMinutes) {
    report(path, `${iso} is outside the allowed range of ${minMinutes} to ${maxMinutes} minutes`);
    return undefined;
  }
  return d;
}

function fromZod(error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path, input);
    if (issue.code === "unrecognized_keys") {
      return { path: path || "(top level)", message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling or remove ${issue.keys.length > 1 ? "them" : "it"}` };
    }
    if (issue.code === "invalid_key") {
      // A record key that fails its own schema (a service name that is not DNS-safe).
      return { path, message: `key ${JSON.stringify(String(issue.path.at(-1)))}: ${issue.issues.map((i) => i.message).join("; ")}` };
    }
    if (issue.code === "invalid_type" && getAt(input, issue.path) === undefined) {
      return { path, message: `is required (${issue.expected})` };
    }
    return { path, message: issue.message };
  });
}

function formatPath(path: readonly PropertyKey[], input: unknown): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  const calendarIndex = path[0] === "events" && path[1] === "calendar" && typeof path[2] === "number" ? path[2] : undefined;
  if (calendarIndex !== undefined && path.length > 3) {
    const slug = getAt(input, ["events", "calendar", calendarIndex, "slug"]);
    if (typeof slug === "string") out += ` (event "${slug}")`;
  }
  return out;
}

function getAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
