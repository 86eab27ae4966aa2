import { describe, expect, it } from "vitest";
import { type ConfigInput } from "../../src/config";
import { fargateMemoryProblem } from "../../src/config/validate-event-workloads";
import { calendarOf, configWith, problemsOf } from "../helpers/config";


const platform = (c: ConfigInput) => c.events.platform;
const web = (c: ConfigInput) => platform(c).services.web!;
const dms = (c: ConfigInput) => platform(c).dms;

describe("the repository's event workloads", () => {
  it("are valid, with defaults filled in", () => {
    const config = configWith();
    expect(Object.keys(config.events.platform.services)).toEqual(["web", "api", "worker"]);
    expect(config.events.platform.services.web!.trafficShare).toBe(1);
    expect(config.events.platform.dms.validationThreadCount).toBe(5);
  });

  it("default the optional sections when they are left out", () => {
    const config = configWith((c) => {
      delete platform(c).queue;
      delete platform(c).firehose;
      delete platform(c).peering;
      delete platform(c).capacity;
    });
    expect(config.events.platform.queue).toEqual({ maxReceiveCount: 5, retentionHours: 96, deadLetterRetentionHours: 336, visibilityTimeoutSeconds: 60 });
    expect(config.events.platform.peering).toEqual({});
    expect(config.events.platform.capacity.prewarmBefore).toBe("PT30M");
  });

  it("accept a cross-account peering with an accepter role in the synced environment's account", () => {
    const config = configWith((c) => {
      platform(c).account = "410987654321";
      platform(c).peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/event-peering-accepter" };
    });
    expect(config.events.platform.peering.accepterRoleArn).toBe("arn:aws:iam::210987654321:role/event-peering-accepter");
  });
});

describe("invalid event workloads", () => {
  const cases: [string, (c: ConfigInput) => void, string][] = [
    [
      "a DMS mapping without a target",
      (c) => delete (dms(c).tableMappings[0] as { target?: unknown }).target,
      "events.platform.dms.tableMappings[0].target: is required (object)",
    ],
    [
      "a DMS table with a wildcard",
      (c) => (dms(c).tableMappings[0]!.source.table = "order%"),
      "events.platform.dms.tableMappings[0].source.table: must be a plain MySQL identifier",
    ],
    [
      "no DMS table at all",
      (c) => (dms(c).tableMappings = []),
      "events.platform.dms.tableMappings: needs at least one table to copy into prod",
    ],
    [
      "two event tables writing one prod table",
      (c) => (dms(c).tableMappings[1]!.target.table = "orders"),
      "events.platform.dms.tableMappings[1].target: shop.orders is already the target of dms.tableMappings[0]; two event tables cannot write one prod table",
    ],
    [
      "an event table mapped twice",
      (c) => dms(c).tableMappings.push({ source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders_copy" } }),
      "events.platform.dms.tableMappings[3].source: sale.orders is already mapped by dms.tableMappings[0]; map each event table once",
    ],
    [
      "one event schema split across prod schemas",
      (c) => (dms(c).tableMappings[2]!.target.schema = "billing"),
      "events.platform.dms.tableMappings[2].target.schema: source schema sale already goes to shop (dms.tableMappings[0]); DMS renames a whole schema",
    ],
    [
      "an unpinned DMS engine version",
      (c) => (dms(c).engineVersion = "latest"),
      "events.platform.dms.engineVersion: must be a pinned DMS engine version like 3.5.4",
    ],
    [
      "an unknown LOB mode",
      (c) => ((dms(c) as { lobMode: string }).lobMode = "inline"),
      'events.platform.dms.lobMode: must be "none", "limited" or "full"',
    ],
    [
      "binlog retention beyond Aurora's limit",
      (c) => (dms(c).binlogRetentionHours = 500),
      "events.platform.dms.binlogRetentionHours:",
    ],
    [
      "min tasks above max tasks",
      (c) => Object.assign(web(c), { minTasks: 300, maxTasks: 200 }),
      "events.platform.services.web.minTasks: 300 is greater than maxTasks (200); lower minTasks or raise maxTasks",
    ],
    [
      "a Fargate CPU size that does not exist",
      (c) => ((web(c) as { cpu: number }).cpu = 3000),
      "events.platform.services.web.cpu: must be one of the Fargate CPU sizes 256, 512, 1024, 2048, 4096, 8192, 16384",
    ],
    [
      "memory that does not pair with the CPU",
      (c) => (web(c).memory = 1024),
      "events.platform.services.web.memory: 1024 MiB is not a Fargate memory size for cpu 1024; use 2048 to 8192 in steps of 1024",
    ],
    [
      "an http service without a port",
      (c) => delete web(c).port,
      "events.platform.services.web.port: is required for an http service",
    ],
    [
      "an http service without a health check path",
      (c) => delete web(c).healthCheckPath,
      "events.platform.services.web.healthCheckPath: is required for an http service",
    ],
    [
      "a worker with a port",
      (c) => (platform(c).services.worker!.port = 8080),
      "events.platform.services.worker.port: a worker takes no traffic from the load balancer",
    ],
    [
      "a service name that is not DNS-safe",
      (c) => (platform(c).services.Web_Front = structuredClone(web(c))),
      "service names must be DNS-safe",
    ],
    [
      "no services",
      (c) => (platform(c).services = {}),
      "events.platform.services: needs at least one service",
    ],
    [
      "a traffic share above 1",
      (c) => (web(c).trafficShare = 1.5),
      "events.platform.services.web.trafficShare: must be at most 1",
    ],
    [
      "an expected peak beyond what maxTasks can carry",
      (c) => (calendarOf(c)[1]!.expectedPeakRps = 90000),
      'events.calendar[1].expectedPeakRps (event "stadium-show-tickets"): 90000 rps needs 234 "web" tasks with 30% headroom, but events.platform.services.web.maxTasks is 200',
    ],
    [
      "a lead time that leaves no time to apply before the pre-warm",
      (c) => (calendarOf(c)[0]!.leadTime = "PT1H"),
      'events.calendar[0].leadTime (event "xmas-mega-sale"): PT1H leaves 30 minutes between spin-up and the pre-warm at opens - PT30M; the stack needs 45',
    ],
    [
      "a pre-warm too close to opening",
      (c) => (platform(c).capacity = { prewarmBefore: "PT2M" }),
      "events.platform.capacity.prewarmBefore: PT2M gives new tasks no time to start",
    ],
    [
      "a serverless ACU range upside down",
      (c) => (platform(c).aurora.sizing = { type: "serverless-v2", minCapacity: 32, maxCapacity: 8 }),
      "events.platform.aurora.sizing.minCapacity: 32 ACU is greater than maxCapacity (8)",
    ],
    [
      "an Aurora version that is not pinned",
      (c) => (platform(c).aurora.engineVersion = "8.0"),
      "events.platform.aurora.engineVersion: must be a pinned Aurora MySQL version",
    ],
    [
      "a dead-letter retention shorter than the queue's",
      (c) => (platform(c).queue = { retentionHours: 96, deadLetterRetentionHours: 24 }),
      "events.platform.queue.deadLetterRetentionHours: 24 is shorter than retentionHours (96)",
    ],
    [
      "an invalid Firehose error-log retention",
      (c) => (platform(c).firehose = { errorLogRetentionDays: 10 }),
      "events.platform.firehose.errorLogRetentionDays: must be a CloudWatch Logs retention period",
    ],
    [
      "cross-account peering without an accepter role",
      (c) => (platform(c).account = "410987654321"),
      'events.platform.peering.accepterRoleArn: is required: events run in account 410987654321 but syncTo "prod" is in 210987654321',
    ],
    [
      "an accepter role in the wrong account",
      (c) => {
        platform(c).account = "410987654321";
        platform(c).peering = { accepterRoleArn: "arn:aws:iam::410987654321:role/peering" };
      },
      'events.platform.peering.accepterRoleArn: arn:aws:iam::410987654321:role/peering is not in syncTo "prod"\'s account 210987654321',
    ],
    [
      "an accepter role for a same-account peering",
      (c) => (platform(c).peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/peering" }),
      "events.platform.peering.accepterRoleArn: events and syncTo \"prod\" share account 210987654321, so the peering is accepted directly; remove accepterRoleArn",
    ],
    [
      "more database instances than availability zones",
      (c) => (platform(c).aurora.instances = 4),
      "events.platform.aurora.instances: 4 instances need one availability zone each, but events.platform.availabilityZones lists 3",
    ],
    [
      "a service image with both a tag and a digest",
      (c) => (web(c).image = { repository: "web", tag: "1.0.0", digest: `sha256:${"a".repeat(64)}` }),
      "events.platform.services.web.image: needs exactly one of tag (an immutable release tag) and digest (sha256:...)",
    ],
    [
      "a service image with neither tag nor digest",
      (c) => (web(c).image = { repository: "web" }),
      "events.platform.services.web.image: needs exactly one of tag",
    ],
    [
      "the mutable latest tag",
      (c) => (web(c).image = { repository: "web", tag: "latest" }),
      'events.platform.services.web.image.tag: "latest" is mutable',
    ],
    [
      "a malformed digest",
      (c) => (web(c).image = { repository: "web", digest: "sha256:abc" }),
      "events.platform.services.web.image.digest: must look like sha256:<64 lowercase hex characters>",
    ],
    [
      "an image from a repository event-edge does not create",
      (c) => (web(c).image = { repository: "storefront", tag: "1.0.0" }),
      'events.platform.services.web.image.repository: "storefront" is not in events.platform.ecr.repositories (web, api, worker)',
    ],
    [
      "a repository listed twice",
      (c) => platform(c).ecr.repositories!.push("web"),
      'events.platform.ecr.repositories[3]: "web" is listed twice',
    ],
    [
      "a worker with path patterns",
      (c) => (platform(c).services.worker!.pathPatterns = ["/jobs/*"]),
      "events.platform.services.worker.pathPatterns: a worker takes no traffic from the load balancer",
    ],
    [
      "two http services taking every path",
      (c) => delete platform(c).services.api!.pathPatterns,
      'events.platform.services.api.pathPatterns: "web" already takes every path (no pathPatterns, or "/*")',
    ],
    [
      "more path patterns than an ALB rule holds",
      (c) => (platform(c).services.api!.pathPatterns = ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"]),
      "events.platform.services.api.pathPatterns: may have at most 4 path patterns",
    ],
    [
      "an event network without the Secrets Manager endpoint DMS needs",
      (c) => (platform(c).network.interfaceEndpoints = []),
      'events.platform.network.interfaceEndpoints: must include "secretsmanager"',
    ],
  ];

  it.each(cases)("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.includes(expected)), `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`).toBe(true);
  });
});

describe("fargateMemoryProblem", () => {
  it.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [4096, 30720],
    [8192, 20480],
    [16384, 122880],
  ])("accepts cpu %i with %i MiB", (cpu, memory) => {
    expect(fargateMemoryProblem(cpu, memory)).toBeUndefined();
  });

  it.each([
    [256, 4096],
    [1024, 9216],
    [8192, 18432],
    [16384, 40000],
  ])("rejects cpu %i with %i MiB", (cpu, memory) => {
    expect(fargateMemoryProblem(cpu, memory)).toMatch(/is not a Fargate memory size/);
  });
});
