import { describe, expect, it } from "vitest";
import { defaultConfigInput, loadConfig, validateConfig, type ConfigInput } from "../../src/config";
import { StackIds } from "../../src/core/naming";
import { calendarOf, configInput, configWith, problemsOf } from "../helpers/config";


describe("the live configuration", () => {
  it("is valid and resolves every calendar entry", () => {
    const config = loadConfig({});
    expect(Object.keys(config.environments)).toEqual(["prod", "dev"]);
    const live = (defaultConfigInput.events.calendar ?? []).filter((e) => !e.retired);
    expect(config.events.calendar.map((e) => e.stackId)).toEqual(live.map((e) => StackIds.event(e.slug)));
  });

  it("takes the Terraform Cloud organization from TFC_ORG when set", () => {
    expect(loadConfig({ TFC_ORG: "acme-retail" }).project.terraformCloud.organization).toBe("acme-retail");
    expect(loadConfig({ TFC_ORG: "" }).project.terraformCloud.organization).toBe("flashcrowd");
  });

  it("defaults the Terraform Cloud project to the project name", () => {
    expect(loadConfig({}).project.terraformCloud.project).toBe("flashcrowd");
  });
});

describe("another environment", () => {
  it("accepts a staging environment that mirrors prod as config only", () => {
    const config = configWith((c) => {
      const prod = structuredClone(c.environments.prod!);
      // Same account as prod: prod keeps owning the account's registry replication.
      c.environments.staging = { ...prod, network: { ...prod.network, cidr: "10.2.0.0/16" }, ecr: { ...prod.ecr, ownsRegistryReplication: false } };
    });
    expect(Object.keys(config.environments)).toContain("staging");
  });
});

describe("invalid configurations", () => {
  const cases: [string, (c: ConfigInput) => void, string][] = [
    [
      "overlapping environment CIDRs",
      (c) => (c.environments.dev!.network.cidr = "10.0.128.0/17"),
      "environments.dev.network.cidr: 10.0.128.0/17 overlaps environments.prod.network.cidr (10.0.0.0/16)",
    ],
    [
      "an event CIDR overlapping another event",
      (c) => (calendarOf(c)[1]!.cidr = "10.64.8.0/21"),
      'events.calendar[1].cidr (event "stadium-show-tickets"): 10.64.8.0/21 overlaps events.calendar[0].cidr (10.64.0.0/20, event "xmas-mega-sale"); 10.64.16.0/21 is free',
    ],
    [
      "an event CIDR overlapping an environment",
      (c) => (calendarOf(c)[0]!.cidr = "10.1.0.0/20"),
      'events.calendar[0].cidr (event "xmas-mega-sale"): 10.1.0.0/20 overlaps environments.dev.network.cidr (10.1.0.0/16)',
    ],
    [
      "an event CIDR outside the pool",
      (c) => (calendarOf(c)[0]!.cidr = "172.16.0.0/20"),
      'events.calendar[0].cidr (event "xmas-mega-sale"): 172.16.0.0/20 is outside events.platform.cidrPool 10.64.0.0/14; 10.64.0.0/20 is free',
    ],
    [
      "an event pool overlapping an environment",
      (c) => (c.events.platform.cidrPool = "10.0.0.0/8"),
      "events.platform.cidrPool: 10.0.0.0/8 overlaps environments.prod.network.cidr (10.0.0.0/16)",
    ],
    [
      "closes before opens",
      (c) => (calendarOf(c)[0]!.closes = "2031-12-04T19:00"),
      'events.calendar[0].closes (event "xmas-mega-sale"): 2031-12-04T19:00 is not after opens (2031-12-04T20:00)',
    ],
    [
      "a duplicate slug",
      (c) => (calendarOf(c)[1]!.slug = "xmas-mega-sale"),
      'events.calendar[1].slug (event "xmas-mega-sale"): duplicate of events.calendar[0].slug',
    ],
    [
      "a slug that is not DNS-safe",
      (c) => (calendarOf(c)[0]!.slug = "Dec_Sale"),
      "events.calendar[0].slug (event \"Dec_Sale\"): slug must be DNS-safe",
    ],
    [
      "a slug ending in a hyphen",
      (c) => (calendarOf(c)[0]!.slug = "sale-"),
      "events.calendar[0].slug (event \"sale-\"): slug must be DNS-safe",
    ],
    [
      "an availability zone outside the region",
      (c) => (c.environments.prod!.availabilityZones = ["ap-northeast-2a", "us-east-1b"]),
      'environments.prod.availabilityZones[1]: "us-east-1b" is not an availability zone of ap-northeast-2',
    ],
    [
      "a VPC CIDR too small for the subnets",
      (c) => (c.environments.prod!.network.cidr = "10.0.0.0/20"),
      "environments.prod.network: 10.0.0.0/20 holds 4096 addresses but 4 AZ slots of /20 private + /24 public + /24 data subnets need 18432; use a /17 or larger block",
    ],
    [
      "an event CIDR too small for the event subnets",
      (c) => (calendarOf(c)[0]!.cidr = "10.64.0.0/22"),
      'events.calendar[0].cidr (event "xmas-mega-sale"): 10.64.0.0/22 holds 1024 addresses',
    ],
    [
      "more AZs than reserved slots",
      (c) => (c.environments.prod!.network.azSlots = 2),
      "environments.prod.network: 3 availability zones but azSlots is 2; raise azSlots to at least 3",
    ],
    [
      "a CIDR with host bits set",
      (c) => (c.environments.dev!.network.cidr = "10.1.0.1/16"),
      'environments.dev.network.cidr: "10.1.0.1/16" has host bits set; the block starts at 10.1.0.0/16',
    ],
    [
      "a misspelt field",
      (c) => ((c.environments.dev!.network as Record<string, unknown>).natGateway = "single"),
      'environments.dev.network: unknown field "natGateway"; check the spelling or remove it',
    ],
    [
      "a missing field",
      (c) => delete (c.environments.dev as Partial<typeof c.environments.dev>)!.account,
      "environments.dev.account: is required (string)",
    ],
    [
      "an account id that is not 12 digits",
      (c) => (c.environments.prod!.account = "12345"),
      "environments.prod.account: must be a 12-digit AWS account id",
    ],
    [
      "the same primary and secondary region",
      (c) => (c.environments.prod!.secondaryRegion = "ap-northeast-2"),
      "environments.prod.secondaryRegion: must differ from region (ap-northeast-2)",
    ],
    [
      "an unknown sync target",
      (c) => (c.events.platform.syncTo = "production"),
      'events.platform.syncTo: "production" is not an environment; use one of: prod, dev',
    ],
    [
      "a local time with no time zone",
      (c) => delete calendarOf(c)[0]!.timeZone,
      'events.calendar[0].opens (event "xmas-mega-sale"): "2031-12-04T20:00" has no UTC offset; add one (+09:00) or set timeZone',
    ],
    [
      "an unknown time zone",
      (c) => (calendarOf(c)[0]!.timeZone = "Korea/Seoul"),
      'time zone "Korea/Seoul" is not an IANA time zone; use a name like Asia/Seoul',
    ],
    [
      "an offset that disagrees with the time zone",
      (c) => (calendarOf(c)[1]!.opens = "2032-01-15T10:00:00+08:00"),
      'events.calendar[1].opens (event "stadium-show-tickets"): "2032-01-15T10:00:00+08:00" has offset +08:00 but Asia/Seoul is +09:00 at that time',
    ],
    [
      "a local time skipped by daylight saving",
      (c) => Object.assign(calendarOf(c)[0]!, { timeZone: "America/New_York", opens: "2027-03-14T02:30", closes: "2027-03-14T08:00" }),
      "2027-03-14T02:30 does not exist in America/New_York (skipped by a daylight-saving change)",
    ],
    [
      "a local time repeated when daylight saving ends",
      (c) => Object.assign(calendarOf(c)[0]!, { timeZone: "America/New_York", opens: "2026-11-01T01:30", closes: "2026-11-01T08:00" }),
      "2026-11-01T01:30 occurs twice in America/New_York (the hour repeated when daylight saving ends); write 2026-11-01T01:30:00-04:00 or 2026-11-01T01:30:00-05:00",
    ],
    [
      "a lead time too short to apply the stack",
      (c) => (calendarOf(c)[0]!.leadTime = "PT10M"),
      'events.calendar[0].leadTime (event "xmas-mega-sale"): PT10M is outside the allowed range of 30 to 10080 minutes',
    ],
    [
      "a lead time that is not an ISO duration",
      (c) => (calendarOf(c)[0]!.leadTime = "2h"),
      "events.calendar[0].leadTime (event \"xmas-mega-sale\"): must be an ISO-8601 duration",
    ],
    [
      "a reserved environment id",
      (c) => (c.environments.control = structuredClone(c.environments.dev!)),
      'environments.control: "control" is reserved for another stack',
    ],
    [
      "a non-positive expected peak",
      (c) => (calendarOf(c)[0]!.expectedPeakRps = 0),
      "events.calendar[0].expectedPeakRps (event \"xmas-mega-sale\"): must be greater than 0",
    ],
    [
      "an unsupported NAT mode",
      (c) => ((c.environments.dev!.network as { natGateways: string }).natGateways = "none"),
      'environments.dev.network.natGateways: must be "per-az" or "single"',
    ],
    [
      "log expiry before the Glacier transition",
      (c) => (c.environments.dev!.logs = { transitionToGlacierDays: 30, expireDays: 20 }),
      "environments.dev.logs.expireDays: 20 must be greater than transitionToGlacierDays (30)",
    ],
    [
      "off-hours with a node group that cannot scale to zero",
      (c) => (c.environments.dev!.eks.systemNodeGroup.minSize = 1),
      "environments.dev.eks.systemNodeGroup.minSize: is 1 but offHours scales the node group to zero at night; set it to 0",
    ],
    [
      "an invalid flow-log retention",
      (c) => (c.environments.dev!.network.flowLogRetentionDays = 100),
      "environments.dev.network.flowLogRetentionDays: must be a CloudWatch Logs retention period",
    ],
    // Platform data, audit, backup, monitoring, access.
    [
      "Serverless v2 together with an instance class",
      (c) => (c.environments.dev!.aurora.instanceClass = "db.r7g.large"),
      "environments.dev.aurora: sets both instanceClass and serverless",
    ],
    [
      "an Aurora cluster with neither instance class nor serverless",
      (c) => delete c.environments.dev!.aurora.serverless,
      "environments.dev.aurora: needs instanceClass (provisioned, e.g. db.r7g.large) or serverless",
    ],
    [
      "db.serverless given as an instance class",
      (c) => (c.environments.prod!.aurora.instanceClass = "db.serverless"),
      "environments.prod.aurora.instanceClass: db.serverless is set through serverless",
    ],
    [
      "a minimum ACU above the maximum",
      (c) => (c.environments.dev!.aurora.serverless = { minCapacity: 8, maxCapacity: 4 }),
      "environments.dev.aurora.serverless.minCapacity: 8 ACU is more than maxCapacity (4 ACU)",
    ],
    [
      "an ACU that is not a multiple of 0.5",
      (c) => (c.environments.dev!.aurora.serverless = { minCapacity: 0.75, maxCapacity: 4 }),
      "environments.dev.aurora.serverless.minCapacity: must be a multiple of 0.5 ACU",
    ],
    [
      "more readers than other AZs",
      (c) => (c.environments.dev!.aurora.readers = 2),
      "environments.dev.aurora.readers: 2 readers need 3 availability zones (one per instance) but only 2 are configured; use at most 1",
    ],
    [
      "an Aurora version that is not Aurora MySQL 3",
      (c) => (c.environments.prod!.aurora.engineVersion = "5.7.mysql_aurora.2.11.2"),
      "environments.prod.aurora.engineVersion: must be an Aurora MySQL 3 version",
    ],
    [
      "a Performance Insights retention AWS does not offer",
      (c) => (c.environments.prod!.aurora.performanceInsightsRetentionDays = 30),
      "environments.prod.aurora.performanceInsightsRetentionDays: must be 7, a multiple of 31 up to 713, or 731",
    ],
    [
      "an Enhanced Monitoring interval RDS does not offer",
      (c) => (c.environments.prod!.aurora.monitoringIntervalSeconds = 20),
      "environments.prod.aurora.monitoringIntervalSeconds: must be one of 1, 5, 10, 15, 30, 60 seconds",
    ],
    [
      "Multi-AZ Redis without a replica",
      (c) => (c.environments.dev!.redis.multiAz = true),
      "environments.dev.redis.multiAz: needs at least one replica to fail over to",
    ],
    [
      "more than five Redis replicas",
      (c) => (c.environments.prod!.redis.replicas = 6),
      "environments.prod.redis.replicas: must be between 0 and 5",
    ],
    [
      "a Redis version without IAM authentication",
      (c) => (c.environments.prod!.redis.engineVersion = "6.2"),
      "environments.prod.redis.engineVersion: must be Redis OSS 7.x",
    ],
    [
      "monitoring with nowhere to send alarms",
      (c) => (c.environments.dev!.monitoring = { emails: [] }),
      "environments.dev.monitoring: has no alarm destination; add at least one address to emails or configure slack",
    ],
    [
      "an alarm e-mail that is not an address",
      (c) => (c.environments.dev!.monitoring.emails = ["oncall"]),
      "environments.dev.monitoring.emails[0]: must be an e-mail address",
    ],
    [
      "a Slack configuration in a region without the Chatbot API",
      (c) => (c.environments.prod!.monitoring.slack!.apiRegion = "ap-northeast-2" as never),
      "environments.prod.monitoring.slack.apiRegion: must be one of us-east-2, us-west-2, eu-west-1, ap-southeast-1",
    ],
    [
      "a CPU alarm threshold above 100%",
      (c) => (c.environments.prod!.monitoring.thresholds = { auroraCpuPercent: 120 }),
      "environments.prod.monitoring.thresholds.auroraCpuPercent:",
    ],
    [
      "a backup cron with five fields",
      (c) => (c.environments.prod!.backup!.dailyCron = "cron(0 4 * * ?)"),
      'environments.prod.backup.dailyCron: "cron(0 4 * * ?)" has 5 fields; AWS cron needs 6',
    ],
    [
      "a backup time zone that does not exist",
      (c) => (c.environments.prod!.backup!.timeZone = "Seoul"),
      'environments.prod.backup.timeZone: "Seoul" is not an IANA time zone',
    ],
    [
      "trail files expiring before they reach Glacier",
      (c) => (c.environments.prod!.audit = { transitionToGlacierDays: 90, expireDays: 60 }),
      "environments.prod.audit.expireDays: 60 must be greater than transitionToGlacierDays (90)",
    ],
    [
      "a bastion without the Session Manager endpoints",
      (c) => (c.environments.dev!.network.interfaceEndpoints = ["ssm"]),
      'environments.dev.network.interfaceEndpoints: the bastion reaches Session Manager only through interface endpoints; add "ssmmessages", "ec2messages"',
    ],
    [
      "an event domain outside its hosted zone",
      (c) => (c.events.platform.domain = "sale.example.org"),
      "events.platform.domain: sale.example.org is not in hosted zone sale.flashcrowd.example (events.platform.hostedZone.name)",
    ],
    [
      "an event hosted zone id that is not a Route 53 id",
      (c) => (c.events.platform.hostedZone.id = "sale-zone"),
      "events.platform.hostedZone.id: must be a Route 53 hosted zone id",
    ],
    [
      "event alerts with no destination",
      (c) => (c.events.platform.alerts = { emails: [] }),
      "events.platform.alerts: has no destination for DMS events and alarms",
    ],
    [
      "an event WAF rate limit below the WAF minimum",
      (c) => (c.events.platform.edge.wafRateLimit = 5),
      "events.platform.edge.wafRateLimit: must be at least 10",
    ],
    [
      "an event edge without the origin-facing prefix list",
      (c) => delete (c.events.platform.edge as { originFacingPrefixListId?: string }).originFacingPrefixListId,
      "events.platform.edge.originFacingPrefixListId: is required",
    ],
    [
      "an off-hours cron with both day fields set",
      (c) => (c.environments.dev!.offHours!.stopCron = "cron(0 21 * * MON-FRI *)"),
      'environments.dev.offHours.stopCron: "cron(0 21 * * MON-FRI *)": exactly one of day-of-month and day-of-week must be "?"',
    ],
    [
      "an off-hours cron hour out of range",
      (c) => (c.environments.dev!.offHours!.startCron = "cron(0 25 ? * MON-FRI *)"),
      'environments.dev.offHours.startCron: "cron(0 25 ? * MON-FRI *)": hours "25" is outside 0-23',
    ],
    [
      "an off-hours schedule that is not cron",
      (c) => (c.environments.dev!.offHours!.stopCron = "0 21 * * 1-5"),
      "environments.dev.offHours.stopCron: must be an AWS cron expression like cron(0 21 ? * MON-FRI *)",
    ],
    [
      "an off-hours time zone that does not exist",
      (c) => (c.environments.dev!.offHours!.timeZone = "KST"),
      'environments.dev.offHours.timeZone: "KST" is not an IANA time zone',
    ],
    [
      "off-hours that start when they stop",
      (c) => (c.environments.dev!.offHours!.startCron = c.environments.dev!.offHours!.stopCron),
      "environments.dev.offHours.startCron: is the same as stopCron",
    ],
  ];

  it.each(cases)("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.includes(expected)), `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`).toBe(true);
  });

  it("reports every problem at once, not just the first", () => {
    const problems = problemsOf((c) => {
      c.environments.prod!.account = "1";
      calendarOf(c)[0]!.slug = "BAD";
      calendarOf(c)[1]!.expectedPeakRps = -1;
    });
    expect(problems).toHaveLength(3);
  });

  it("throws a ConfigError whose message lists the problems", () => {
    const input = configInput();
    input.environments.prod!.account = "1";
    expect(() => validateConfig(input)).toThrowError(/Invalid configuration \(1 problem\):\n {2}- environments\.prod\.account: /);
  });
});

describe("event times", () => {
  it("resolves a local time in its zone and derives spin-up and teardown", () => {
    const [sale] = configWith().events.calendar;
    expect(sale!.opensAt.toISO()).toBe("2031-12-04T20:00:00.000+09:00");
    expect(sale!.spinUpAt.toISO()).toBe("2031-12-04T17:00:00.000+09:00"); // leadTime PT3H
    expect(sale!.teardownAt.toISO()).toBe("2031-12-06T01:00:00.000+09:00"); // platform grace PT1H
    expect(sale!.zone).toBe("Asia/Seoul");
  });

  it("accepts a repeated local time once its offset says which of the two it is", () => {
    const config = configWith((c) => {
      Object.assign(calendarOf(c)[0]!, { timeZone: "America/New_York", opens: "2026-11-01T01:30:00-05:00", closes: "2026-11-01T08:00" });
    });
    expect(config.events.calendar[0]!.opensAt.toUTC().toISO()).toBe("2026-11-01T06:30:00.000Z");
  });

  it("uses UTC schedules when an event gives only offsets", () => {
    const config = configWith((c) => {
      delete calendarOf(c)[1]!.timeZone;
    });
    const tickets = config.events.calendar[1]!;
    expect(tickets.zone).toBe("UTC");
    expect(tickets.opensAt.toUTC().toISO()).toBe("2032-01-15T01:00:00.000Z");
  });

  it("keeps wall-clock lead times across a daylight-saving change in the event's zone", () => {
    const config = configWith((c) => {
      Object.assign(calendarOf(c)[0]!, {
        timeZone: "America/New_York",
        opens: "2027-03-14T09:00",
        closes: "2027-03-14T12:00",
        leadTime: "PT12H",
      });
    });
    const sale = config.events.calendar[0]!;
    // 12 elapsed hours before 09:00 EDT is 20:00 EST the day before (the clocks jumped at 02:00).
    expect(sale.spinUpAt.toISO()).toBe("2027-03-13T20:00:00.000-05:00");
  });
});
