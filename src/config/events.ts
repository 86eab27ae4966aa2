import { CLOUDFRONT_ORIGIN_FACING_AP_NORTHEAST_2 } from "./environments";
import type { ConfigInput } from "./schema";

/**
 * Shared settings of every event environment: where they run, the CIDR pool their VPCs come from,
 * and which environment receives their data through DMS.
 */
export const eventPlatform: ConfigInput["events"]["platform"] = {
  account: "210987654321",
  region: "ap-northeast-2",
  secondaryRegion: "ap-northeast-1",
  availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
  cidrPool: "10.64.0.0/14",
  syncTo: "prod",
  domain: "sale.flashcrowd.example",
  // A zone of its own in the events account, delegated from flashcrowd.example: event records
  // never touch prod's zone.
  hostedZone: { id: "Z0210987654321SALEZONE", name: "sale.flashcrowd.example" },
  edge: {
    priceClass: "PriceClass_200",
    // Per client IP per 5 minutes: a sale page polls the waiting room, so more than the shop allows.
    wafRateLimit: 3000,
    wafLogRetentionDays: 90,
    originFacingPrefixListId: CLOUDFRONT_ORIGIN_FACING_AP_NORTHEAST_2,
  },
  // One repository per service image; the release tags deployed are set per service below.
  ecr: { repositories: ["web", "api", "worker"], untaggedExpireDays: 14, keepTaggedImages: 50 },
  logs: { transitionToGlacierDays: 30, expireDays: 400 },
  alerts: {
    emails: ["sale-ops@flashcrowd.example"],
    slack: { workspaceId: "T07FLASHCRW", channelId: "C07SALEALRT", apiRegion: "ap-southeast-1" },
  },
  // The sale must survive an AZ loss: multi-AZ database and cache, NAT per AZ.
  highAvailability: true,
  network: {
    natGateways: "per-az",
    subnetPrefixLength: { public: 26, private: 23, data: 26 },
    flowLogRetentionDays: 30,
    // DMS runs in the data subnets, which have no route to the internet: it reads the endpoint
    // secrets through this endpoint.
    interfaceEndpoints: ["secretsmanager"],
  },
  leadTime: "PT2H",
  grace: "PT1H",
  // event-edge serves the sale domain and control runs the lifecycle: confirm their runs by hand.
  autoApply: false,
  services: {
    // The storefront: every page view of the sale reaches it.
    web: {
      kind: "http",
      image: { repository: "web", tag: "2026.11.3" },
      cpu: 1024,
      memory: 2048,
      port: 8080,
      healthCheckPath: "/healthz",
      ratePerTask: 500,
      minTasks: 2,
      maxTasks: 200,
    },
    // Cart, stock and checkout calls: about 4 in 10 page views.
    api: {
      kind: "http",
      image: { repository: "api", tag: "2026.11.3" },
      cpu: 1024,
      memory: 2048,
      port: 8080,
      healthCheckPath: "/healthz",
      pathPatterns: ["/api/*"],
      ratePerTask: 400,
      trafficShare: 0.4,
      minTasks: 2,
      maxTasks: 120,
    },
    // Order queue consumer: about 2 orders per 100 page views at the peak.
    worker: {
      kind: "worker",
      image: { repository: "worker", tag: "2026.11.3" },
      cpu: 512,
      memory: 1024,
      ratePerTask: 100,
      trafficShare: 0.02,
      minTasks: 1,
      maxTasks: 30,
    },
  },
  capacity: { headroomPercent: 30, prewarmBefore: "PT30M", scaleDownAfter: "PT15M" },
  aurora: {
    engineVersion: "8.0.mysql_aurora.3.08.0",
    instances: 2,
    sizing: { type: "serverless-v2", minCapacity: 2, maxCapacity: 64 },
    backupRetentionDays: 7,
  },
  redis: { nodeType: "cache.r7g.large", engineVersion: "7.1", replicasPerShard: 1, snapshotRetentionDays: 1 },
  queue: { maxReceiveCount: 5, retentionHours: 96, deadLetterRetentionHours: 336, visibilityTimeoutSeconds: 60 },
  firehose: { bufferingIntervalSeconds: 300, bufferingSizeMb: 64, errorLogRetentionDays: 30 },
  peering: {},
  dms: {
    instanceClass: "dms.r6i.large",
    engineVersion: "3.5.4",
    multiAz: true,
    allocatedStorageGb: 100,
    lobMode: "limited",
    lobMaxSizeKb: 64,
    binlogRetentionHours: 48,
    cdcLatencyAlarmSeconds: 300,
    // The sale's orders, written to the event database's `sale` schema, land in prod's `shop`.
    tableMappings: [
      { source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" } },
      { source: { schema: "sale", table: "order_items" }, target: { schema: "shop", table: "order_items" } },
      { source: { schema: "sale", table: "payments" }, target: { schema: "shop", table: "payments" } },
    ],
  },
};

/**
 * The event calendar. Each entry becomes an `event-<slug>` stack and workspace, a spin-up schedule
 * at `opens - leadTime` and a verified teardown at `closes + grace`.
 *
 * To add an event: append an entry with a new slug, the next free /20 of the pool as `cidr` and the
 * next free `keyBlock` (synth names a free block if you pick a taken one), then open a pull request.
 *
 * Key blocks live in a region (from 9 x 10^12) that prod's own keys never enter: DMS inserts the
 * event's rows into prod's live tables with their keys, and InnoDB moves a counter past the
 * largest key inserted, so prod's AUTO_INCREMENT counters are raised above the whole region once
 * (docs/event-lifecycle.md, "Keys that cannot collide"). At spin-up the lifecycle refuses an
 * event whose block prod holds a key of, or whose keys prod would hand out next. Blocks are never
 * reused, not even after an event is removed: its rows stay in prod.
 */
export const calendar: NonNullable<ConfigInput["events"]["calendar"]> = [
  {
    slug: "dec-flash-sale",
    name: "December flash sale",
    opens: "2026-12-04T20:00",
    closes: "2026-12-06T00:00",
    timeZone: "Asia/Seoul",
    leadTime: "PT3H",
    expectedPeakRps: 30000,
    cidr: "10.64.0.0/20",
    keyBlock: { first: 9_000_000_000_000, size: 100_000_000_000 },
    ownerChannel: "#sale-ops",
  },
  {
    slug: "concert-film-tickets",
    name: "Concert film ticket opening",
    opens: "2027-01-15T10:00:00+09:00",
    closes: "2027-01-15T14:00:00+09:00",
    timeZone: "Asia/Seoul",
    expectedPeakRps: 50000,
    cidr: "10.64.16.0/20",
    keyBlock: { first: 9_100_000_000_000, size: 100_000_000_000 },
    ownerChannel: "#ticketing-ops",
  },
];
