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
  // The sale must survive an AZ loss: multi-AZ database and cache, NAT per AZ.
  highAvailability: true,
  network: {
    natGateways: "per-az",
    subnetPrefixLength: { public: 26, private: 23, data: 26 },
    flowLogRetentionDays: 30,
    interfaceEndpoints: [],
  },
  leadTime: "PT2H",
  grace: "PT1H",
  // event-edge serves the sale domain and control runs the lifecycle: confirm their runs by hand.
  autoApply: false,
};

/**
 * The event calendar. Each entry becomes an `event-<slug>` stack and workspace, a spin-up schedule
 * at `opens - leadTime` and a verified teardown at `closes + grace`.
 *
 * To add an event: append an entry with a new slug and the next free /20 of the pool as `cidr`
 * (synth names a free block if you pick a taken one), then open a pull request.
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
    ownerChannel: "#ticketing-ops",
  },
];
