/**
 * Turns config input into a validated {@link Config}: schema first, then the rules that relate
 * fields to each other. Every problem is collected and reported at once, each naming its field and
 * the fix, so a bad config never reaches synthesis.
 */
import { DateTime, type Duration } from "luxon";
import type { z } from "zod";
import { cronProblem } from "./cron";
import { validateAddons } from "./addons-validate";
import { contains, firstFree, formatCidr, overlaps, parseCidr, cidrProblem, type Ipv4Block } from "../core/cidr";
import { Naming, StackIds } from "../core/naming";
import {
  configSchema,
  type AlbConfig,
  type ConfigInput,
  type EdgeConfig,
  type EksConfig,
  type EnvironmentConfig,
  type EventEntry,
  type EventPlatformConfig,
  type ParsedConfig,
  type PolicyConfig,
} from "./schema";
import { suppressionProblem } from "../policy/suppress";
import { planSubnets } from "../../modules/network/subnet-plan";
import { checkEventWorkloads } from "./validate-event-workloads";
import { isValidTimeZone, parseDuration, parseInstant } from "./time";

/** Longest workspace name Terraform Cloud accepts. */
const MAX_WORKSPACE_NAME = 90;
const MIN_LEAD_MINUTES = 30;
const MAX_LEAD_MINUTES = 7 * 24 * 60;
const MAX_GRACE_MINUTES = 2 * 24 * 60;
/** The auto-destroy safety net must leave the verified teardown time to retry, but not linger for weeks. */
const MIN_AUTO_DESTROY_DELAY_MINUTES = 60;
const MAX_AUTO_DESTROY_DELAY_MINUTES = 7 * 24 * 60;
/**
 * How long after its teardown started an event may be retired (and so lose its schedules and the
 * control stack's grants on it): the verified teardown keeps checking the data for hours before it
 * gives up and alerts, and must finish with everything the calendar gave it.
 */
export const RETIRE_AFTER_HOURS = 24;

type Report = (path: string, message: string) => void;

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
export interface ResolvedEvent extends Omit<EventEntry, "keyBlock"> {
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
  /**
   * Primary keys the event's database hands out, both ends included. The lifecycle checks at
   * spin-up that prod's keys are all below `first`.
   */
  readonly keyBlock: { readonly first: number; readonly last: number };
}

export interface Config {
  readonly project: ParsedConfig["project"] & {
    readonly terraformCloud: ParsedConfig["project"]["terraformCloud"] & { readonly project: string };
  };
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
  readonly events: {
    readonly platform: EventPlatformConfig;
    /** Events on the calendar (not retired): each has a stack, a workspace and spin-up and teardown schedules. */
    readonly calendar: readonly ResolvedEvent[];
    /** Retired events: stack and workspace kept, so whatever is left can still be destroyed; no schedules. */
    readonly retired: readonly ResolvedEvent[];
    /** Every event that has a stack and a workspace (calendar and retired), in the order of the config. */
    readonly withStacks: readonly ResolvedEvent[];
  };
  readonly policy: PolicyConfig;
}

/** Environment variables that override config. */
export interface ConfigEnv {
  /** Terraform Cloud organization, overriding `project.terraformCloud.organization`. */
  readonly TFC_ORG?: string;
  readonly [name: string]: string | undefined;
}

/**
 * @param now the clock for the one rule that depends on time: an event may be retired only once its
 *   teardown is far enough in the past. The rule only ever turns from false to true as time passes,
 *   so a configuration that was valid stays valid.
 */
export function validateConfig(input: ConfigInput, env: ConfigEnv = {}, now: DateTime = DateTime.now()): Config {
  const withOverrides = applyEnvOverrides(input, env);
  const parsed = configSchema.safeParse(withOverrides);
  if (!parsed.success) throw new ConfigError(fromZod(parsed.error, withOverrides));
  const problems: ConfigProblem[] = [];
  const config = crossValidate(parsed.data, problems, now);
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

function crossValidate(cfg: ParsedConfig, problems: ConfigProblem[], now: DateTime): Config {
  const report = (path: string, message: string) => problems.push({ path, message });

  // Stack ids and workspace names.
  for (const id of Object.keys(cfg.environments)) {
    const path = `environments.${id}`;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(id) || id.length > 20) {
      report(path, `environment id "${id}" must be DNS-safe (lowercase letters, digits, '-') and at most 20 characters`);
    } else if (StackIds.takenByOtherStacks(id)) {
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
    checkHighAvailability(path, env, report);
    validateAddons(`${path}.addons`, env.addons, report);
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
    checkPlatformServices(path, env, report);
    checkEks(`${path}.eks`, env.eks, report);
    checkEdge(`${path}.edge`, env.edge, report);
    checkAlb(`${path}.alb`, env.alb, report);
    checkEcrRepositories(`${path}.ecr`, env.ecr.repositories, report);
  }
  checkRegistryReplication(cfg, report);

  // Terraform Cloud.
  const autoDestroyDelay = cfg.project.terraformCloud.eventAutoDestroyDelay;
  if (autoDestroyDelay !== false) {
    checkDuration(
      "project.terraformCloud.eventAutoDestroyDelay",
      autoDestroyDelay,
      MIN_AUTO_DESTROY_DELAY_MINUTES,
      MAX_AUTO_DESTROY_DELAY_MINUTES,
      report,
    );
  }

  // Event platform.
  const platform = cfg.events.platform;
  checkAwsTarget("events.platform", platform, report);
  checkHighAvailability("events.platform", platform, report);
  if (!(platform.syncTo in cfg.environments)) {
    report(
      "events.platform.syncTo",
      `"${platform.syncTo}" is not an environment; use one of: ${Object.keys(cfg.environments).join(", ") || "(none)"}`,
    );
  }
  checkEventEdge(platform, report);
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

    const keyBlock = checkKeyBlock(cfg.events.calendar, i, at("keyBlock"), platform.syncTo, report);

    if (event.retired && closes.ok && grace) {
      const teardownAt = closes.at.plus(grace);
      const retirable = teardownAt.plus({ hours: RETIRE_AFTER_HOURS });
      if (now < retirable) {
        report(
          at("retired"),
          `the event's teardown starts ${formatUtc(teardownAt)}; retiring drops its schedules, so it is allowed from ${formatUtc(retirable)} (${RETIRE_AFTER_HOURS} h later), once the verified teardown has run. ` +
            "Leave retired unset until then (to end a sale early, move closes earlier; to cancel an event that has not been spun up, remove its entry before its spin-up)",
        );
      }
    }

    if (problems.length === before && opens.ok && closes.ok && lead && grace && keyBlock) {
      calendar.push({
        ...event,
        stackId: StackIds.event(event.slug),
        zone: event.timeZone ?? "UTC",
        opensAt: opens.at,
        closesAt: closes.at,
        lead,
        graceDuration: grace,
        spinUpAt: opens.at.minus(lead),
        teardownAt: closes.at.plus(grace),
        keyBlock,
      });
    }
  });

  checkEventWorkloads(
    platform,
    cfg.environments,
    calendar.map((e) => ({ ...e, path: `events.calendar[${cfg.events.calendar.findIndex((c) => c.slug === e.slug)}]` })),
    report,
  );

  const stackIds = [...Object.keys(cfg.environments).map(StackIds.platform), ...cfg.events.calendar.map((e) => StackIds.event(e.slug))];
  for (const id of stackIds) {
    const workspace = Naming.workspace(cfg.project.name, id);
    if (workspace.length > MAX_WORKSPACE_NAME) {
      report("project.name", `workspace name "${workspace}" is longer than ${MAX_WORKSPACE_NAME}; shorten the project name or the stack id`);
    }
  }

  cfg.policy.suppressions.forEach((s, i) => {
    const path = `policy.suppressions[${i}]`;
    const problem = suppressionProblem(s.rule, s.reason);
    if (problem) report(`${path}.rule`, problem);
    if (s.stacks === undefined && s.kind === undefined) {
      report(path, 'needs "stacks" (a stack id pattern such as event-*) or "kind" (platform, event, shared) to say where it applies');
    }
  });

  return {
    project: {
      ...cfg.project,
      terraformCloud: { ...cfg.project.terraformCloud, project: cfg.project.terraformCloud.project ?? cfg.project.name },
    },
    environments: cfg.environments,
    events: {
      platform,
      calendar: calendar.filter((e) => !e.retired),
      retired: calendar.filter((e) => e.retired),
      withStacks: calendar,
    },
    policy: cfg.policy,
  };
}

function checkHighAvailability(
  path: string,
  target: { readonly highAvailability: boolean; readonly network: { readonly natGateways: "per-az" | "single" } },
  report: (path: string, message: string) => void,
): void {
  if (target.highAvailability && target.network.natGateways === "single") {
    report(
      `${path}.network.natGateways`,
      '"single" puts every AZ\'s egress in one AZ while highAvailability is true; use "per-az", or set highAvailability: false',
    );
  }
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

/** Interface endpoints the SSM-only bastion needs, since it has no route to the SSM public endpoints. */
const BASTION_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages"] as const;

function checkPlatformServices(path: string, env: EnvironmentConfig, report: (path: string, message: string) => void): void {
  const { aurora, redis, monitoring, backup, audit, offHours } = env;
  const azs = env.availabilityZones.length;

  if (aurora.instanceClass !== undefined && aurora.serverless !== undefined) {
    report(`${path}.aurora`, "sets both instanceClass and serverless; keep instanceClass for provisioned instances or serverless for Serverless v2, not both");
  } else if (aurora.instanceClass === undefined && aurora.serverless === undefined) {
    report(`${path}.aurora`, "needs instanceClass (provisioned, e.g. db.r7g.large) or serverless ({ minCapacity, maxCapacity } in ACUs)");
  }
  if (aurora.serverless && aurora.serverless.minCapacity > aurora.serverless.maxCapacity) {
    report(`${path}.aurora.serverless.minCapacity`, `${aurora.serverless.minCapacity} ACU is more than maxCapacity (${aurora.serverless.maxCapacity} ACU); lower minCapacity or raise maxCapacity`);
  }
  if (aurora.readers > azs - 1) {
    report(`${path}.aurora.readers`, `${aurora.readers} readers need ${aurora.readers + 1} availability zones (one per instance) but only ${azs} are configured; use at most ${azs - 1} or add zones`);
  }

  if (redis.multiAz && redis.replicas === 0) {
    report(`${path}.redis.multiAz`, "needs at least one replica to fail over to; set replicas to 1 or more, or multiAz to false");
  }

  if (monitoring.emails.length === 0 && monitoring.slack === undefined) {
    report(`${path}.monitoring`, "has no alarm destination; add at least one address to emails or configure slack");
  }

  if (!isValidTimeZone(backup.timeZone)) {
    report(`${path}.backup.timeZone`, `"${backup.timeZone}" is not an IANA time zone; use a name like Asia/Seoul or UTC`);
  }
  for (const field of ["dailyCron", "weeklyCron"] as const) {
    const problem = cronProblem(backup[field]);
    if (problem) report(`${path}.backup.${field}`, problem);
  }

  if (audit.expireDays <= audit.transitionToGlacierDays) {
    report(`${path}.audit.expireDays`, `${audit.expireDays} must be greater than transitionToGlacierDays (${audit.transitionToGlacierDays})`);
  }

  if (env.bastion) {
    const missing = BASTION_ENDPOINTS.filter((e) => !env.network.interfaceEndpoints.includes(e));
    if (missing.length > 0) {
      report(`${path}.network.interfaceEndpoints`, `the bastion reaches Session Manager only through interface endpoints; add ${missing.map((e) => `"${e}"`).join(", ")} or remove bastion`);
    }
  }

  if (offHours) {
    if (env.eks.systemNodeGroup.minSize > 0) {
      report(
        `${path}.eks.systemNodeGroup.minSize`,
        `is ${env.eks.systemNodeGroup.minSize} but offHours scales the node group to zero at night; set it to 0 so an apply at night does not scale it back up`,
      );
    }
    if (!isValidTimeZone(offHours.timeZone)) {
      report(`${path}.offHours.timeZone`, `"${offHours.timeZone}" is not an IANA time zone; use a name like Asia/Seoul`);
    }
    for (const field of ["stopCron", "startCron"] as const) {
      const problem = cronProblem(offHours[field]);
      if (problem) report(`${path}.offHours.${field}`, problem);
    }
    if (offHours.stopCron.replace(/\s+/g, " ") === offHours.startCron.replace(/\s+/g, " ")) {
      report(`${path}.offHours.startCron`, "is the same as stopCron; start and stop at different times");
    }
  }
}

function checkEks(path: string, eks: EksConfig, report: Report): void {
  const { publicAccess, publicAccessCidrs } = eks.endpoint;
  if (publicAccess && publicAccessCidrs.length === 0) {
    report(`${path}.endpoint.publicAccessCidrs`, "is empty but publicAccess is true; list the networks allowed to reach the public API endpoint, or turn publicAccess off");
  }
  if (!publicAccess && publicAccessCidrs.length > 0) {
    report(`${path}.endpoint.publicAccessCidrs`, "is set but publicAccess is false, so it would be ignored; remove it or turn publicAccess on");
  }
  publicAccessCidrs.forEach((text, i) => {
    const problem = cidrProblem(text);
    if (problem) {
      report(`${path}.endpoint.publicAccessCidrs[${i}]`, `${problem}; use a block like 203.0.113.0/24`);
    } else if (parseCidr(text).prefix === 0) {
      report(`${path}.endpoint.publicAccessCidrs[${i}]`, `${text} opens the Kubernetes API to the whole internet; list your offices' or runners' networks instead`);
    }
  });
  const group = eks.systemNodeGroup;
  const at = `${path}.systemNodeGroup`;
  if (group.minSize > group.maxSize) {
    report(`${at}.minSize`, `${group.minSize} is greater than maxSize (${group.maxSize}); raise maxSize or lower minSize`);
  } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
    report(`${at}.desiredSize`, `${group.desiredSize} must be between minSize (${group.minSize}) and maxSize (${group.maxSize})`);
  }
  if (group.maxSize === 0) {
    report(`${at}.maxSize`, "must be at least 1: the system node group runs CoreDNS and the cluster's controllers");
  }
  const arm = group.amiType.includes("ARM");
  group.instanceTypes.forEach((type, i) => {
    // Graviton families carry a 'g' after the generation digit (m7g, c6gn, t4g); x86 ones do not.
    const graviton = /^[a-z]+\d+g/.test(type);
    if (arm !== graviton) {
      report(`${at}.instanceTypes[${i}]`, `${type} does not run ${group.amiType}; use ${arm ? "Graviton (e.g. m7g.large)" : "x86 (e.g. m7i.large)"} instance types or change amiType`);
    }
  });
  const seen = new Set<string>();
  eks.adminPrincipalArns.forEach((arn, i) => {
    if (seen.has(arn)) report(`${path}.adminPrincipalArns[${i}]`, `${arn} is listed twice; list each principal once (one access entry each)`);
    seen.add(arn);
  });
}

function checkEdge(path: string, edge: EdgeConfig, report: Report): void {
  const zone = edge.hostedZone.name;
  const inZone = (name: string) => name === zone || name.endsWith(`.${zone}`);
  if (!inZone(edge.domain)) {
    report(`${path}.domain`, `${edge.domain} is not in hosted zone ${zone} (hostedZone.name); use a name under ${zone} or the zone that holds it`);
  }
  const names = new Set([edge.domain, ...(edge.www ? [`www.${edge.domain}`] : [])]);
  edge.alternateNames.forEach((name, i) => {
    if (!inZone(name)) {
      report(`${path}.alternateNames[${i}]`, `${name} is not in hosted zone ${zone}; certificates are validated and aliases created in that zone only`);
    }
    if (names.has(name) || name === `origin.${edge.domain}`) {
      report(`${path}.alternateNames[${i}]`, `${name} is already served (domain, www or the origin name); remove it`);
    }
    names.add(name);
  });
}

/** The event domain lies in its zone, and the event alerts reach someone. */
function checkEventEdge(platform: EventPlatformConfig, report: Report): void {
  const zone = platform.hostedZone.name;
  if (platform.domain !== zone && !platform.domain.endsWith(`.${zone}`)) {
    report(
      "events.platform.domain",
      `${platform.domain} is not in hosted zone ${zone} (events.platform.hostedZone.name); the event names and their certificates are written in that zone, so use a name under ${zone} or the zone that holds ${platform.domain}`,
    );
  }
  if (platform.alerts.emails.length === 0 && platform.alerts.slack === undefined) {
    report("events.platform.alerts", "has no destination for DMS events and alarms; add at least one address to emails or configure slack");
  }
}

function checkAlb(path: string, alb: AlbConfig, report: Report): void {
  const seen = new Map<string, number>();
  alb.services.forEach((service, i) => {
    const first = seen.get(service.name);
    if (first !== undefined) {
      report(`${path}.services[${i}].name`, `"${service.name}" duplicates services[${first}].name; each service needs its own name (it names the target group)`);
    } else {
      seen.set(service.name, i);
    }
  });
  const last = alb.services.length - 1;
  alb.services.forEach((service, i) => {
    if (i < last && service.pathPatterns.includes("/*")) {
      report(`${path}.services[${i}].pathPatterns`, `"/*" matches every path, so services after "${service.name}" would never be reached; put the catch-all service last`);
    }
  });
}

function checkEcrRepositories(path: string, repositories: readonly string[], report: Report): void {
  const seen = new Set<string>();
  repositories.forEach((name, i) => {
    if (seen.has(name)) report(`${path}.repositories[${i}]`, `"${name}" is listed twice; list each repository once`);
    seen.add(name);
  });
}

/**
 * One registry replication configuration per account: at most one environment per account owns
 * it, an account with repositories has an owner, and everything in that account shares the
 * owner's secondary region (replication sends every project repository there).
 */
function checkRegistryReplication(cfg: ParsedConfig, report: Report): void {
  const owners = new Map<string, { id: string; secondaryRegion: string }>();
  for (const [id, env] of Object.entries(cfg.environments)) {
    if (!env.ecr.ownsRegistryReplication) continue;
    const owner = owners.get(env.account);
    if (owner) {
      report(
        `environments.${id}.ecr.ownsRegistryReplication`,
        `account ${env.account}'s registry replication is already owned by environments.${owner.id}; it is one resource per account, so set this to false`,
      );
    } else {
      owners.set(env.account, { id, secondaryRegion: env.secondaryRegion });
    }
  }
  for (const [id, env] of Object.entries(cfg.environments)) {
    const owner = owners.get(env.account);
    if (!owner) {
      if (env.ecr.repositories.length > 0 && env.account !== cfg.events.platform.account) {
        report(
          `environments.${id}.ecr.ownsRegistryReplication`,
          `no environment in account ${env.account} owns its registry replication, so these repositories would not be copied to ${env.secondaryRegion}; set it to true here`,
        );
      }
    } else if (owner.id !== id && env.ecr.repositories.length > 0 && env.secondaryRegion !== owner.secondaryRegion) {
      report(
        `environments.${id}.secondaryRegion`,
        `${env.secondaryRegion} differs from ${owner.secondaryRegion}, where environments.${owner.id} replicates every repository of account ${env.account}; use the same secondary region`,
      );
    }
  }
  const platform = cfg.events.platform;
  const eventOwner = owners.get(platform.account);
  if (eventOwner && platform.secondaryRegion !== eventOwner.secondaryRegion) {
    report(
      "events.platform.secondaryRegion",
      `${platform.secondaryRegion} differs from ${eventOwner.secondaryRegion}, where environments.${eventOwner.id} replicates the event repositories of account ${platform.account}; use the same secondary region`,
    );
  }
}

/**
 * Where suggested key blocks start, and their size: 9 x 10^12, far above what prod's own
 * auto-increment keys reach, with room for tens of thousands of blocks of 10^11 keys below
 * Number.MAX_SAFE_INTEGER.
 */
export const KEY_BLOCK_FLOOR = 9_000_000_000_000;
export const DEFAULT_KEY_BLOCK_SIZE = 100_000_000_000;

/** A key block, inclusive. */
interface KeyRange {
  readonly first: number;
  readonly last: number;
}

const formatKey = (n: number) => n.toLocaleString("en-US").replace(/,/g, "_");
const formatUtc = (at: DateTime) => at.toUTC().toISO({ suppressMilliseconds: true });

/**
 * Entry `i`'s key block fits in a safe integer and overlaps no other entry's (retired ones
 * included: their rows are in prod for good). Returns the block, or undefined after reporting.
 */
function checkKeyBlock(entries: readonly EventEntry[], i: number, path: string, syncTo: string, report: Report): KeyRange | undefined {
  const range = (keyBlock: { first: number; size: number }): KeyRange => ({ first: keyBlock.first, last: keyBlock.first + keyBlock.size - 1 });
  const others = entries
    .filter((_, j) => j !== i)
    .flatMap((e) => (e.keyBlock ? [range(e.keyBlock)] : []))
    .filter((r) => r.last <= Number.MAX_SAFE_INTEGER);
  const event = entries[i]!;
  if (!event.keyBlock) {
    const size = DEFAULT_KEY_BLOCK_SIZE;
    const free = nextFreeKeyBlock(Math.max(KEY_BLOCK_FLOOR, ...others.map((r) => r.last + 1)), size, others);
    report(
      path,
      "is required: every event hands out primary keys from a block of its own, so its rows cannot collide with prod's or another event's" +
        (free === undefined ? "" : `; { first: ${formatKey(free)}, size: ${formatKey(size)} } is free`),
    );
    return undefined;
  }
  const { size } = event.keyBlock;
  const block = range(event.keyBlock);
  if (block.last > Number.MAX_SAFE_INTEGER) {
    report(
      path,
      `ends at ${formatKey(block.last)}, above ${formatKey(Number.MAX_SAFE_INTEGER)} (Number.MAX_SAFE_INTEGER, below signed BIGINT's maximum); lower first or size`,
    );
    return undefined;
  }
  let clash = false;
  entries.slice(0, i).forEach((other, j) => {
    if (!other.keyBlock) return;
    const theirs = range(other.keyBlock);
    const from = Math.max(block.first, theirs.first);
    const to = Math.min(block.last, theirs.last);
    if (from > to) return;
    clash = true;
    const free = nextFreeKeyBlock(block.first, size, others);
    report(
      path,
      `keys ${formatKey(block.first)}-${formatKey(block.last)} overlap events.calendar[${j}].keyBlock (event "${other.slug}", ` +
        `${formatKey(theirs.first)}-${formatKey(theirs.last)}) on ${formatKey(from)}-${formatKey(to)}; rows of the two events could collide in ${syncTo}` +
        (free === undefined ? "; pick a block that no other event uses" : `; { first: ${formatKey(free)}, size: ${formatKey(size)} } is free`),
    );
  });
  return clash ? undefined : block;
}

/** The first block of `size` keys at or after `from` that overlaps none of `taken`. */
function nextFreeKeyBlock(from: number, size: number, taken: readonly KeyRange[]): number | undefined {
  let first = from;
  for (;;) {
    const last = first + size - 1;
    if (last > Number.MAX_SAFE_INTEGER) return undefined;
    const hit = taken.find((r) => r.first <= last && first <= r.last);
    if (!hit) return first;
    first = hit.last + 1;
  }
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
