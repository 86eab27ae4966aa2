/**
 * The fixture calendar and clock, apart from the config they go into (fixture-config.ts) so that a
 * test can make them the repository's calendar for code that loads the configuration itself (the
 * CLI): this module loads nothing of src/config.
 */
import { DateTime } from "luxon";
import type { ConfigInput } from "../../src/config/schema";

/** The sale: two days, Seoul time, spun up 3 hours early. */
export const FIXTURE_SALE = "xmas-mega-sale";
/** The ticket opening: four hours, Seoul time, the platform's default lead time. */
export const FIXTURE_TICKETS = "stadium-show-tickets";

/** "Now" for every fixture: a fixed instant well before both fixture events spin up. */
export const FIXTURE_NOW = DateTime.fromISO("2026-11-01T00:00:00Z", { zone: "utc" });
/** A clock stopped at {@link FIXTURE_NOW}, for `buildApp`'s `clock`. */
export const fixtureClock = (): DateTime => FIXTURE_NOW;

/** The fixture calendar: disjoint CIDRs and key blocks, both events far in the future. */
export function fixtureCalendar(): NonNullable<ConfigInput["events"]["calendar"]> {
  return [
    {
      slug: FIXTURE_SALE,
      name: "Christmas mega sale",
      opens: "2031-12-04T20:00",
      closes: "2031-12-06T00:00",
      timeZone: "Asia/Seoul",
      leadTime: "PT3H",
      expectedPeakRps: 30000,
      cidr: "10.64.0.0/20",
      keyBlock: { first: 9_000_000_000_000, size: 100_000_000_000 },
      ownerChannel: "#sale-ops",
    },
    {
      slug: FIXTURE_TICKETS,
      name: "Stadium show ticket opening",
      opens: "2032-01-15T10:00:00+09:00",
      closes: "2032-01-15T14:00:00+09:00",
      timeZone: "Asia/Seoul",
      expectedPeakRps: 50000,
      cidr: "10.64.16.0/20",
      keyBlock: { first: 9_100_000_000_000, size: 100_000_000_000 },
      ownerChannel: "#ticketing-ops",
    },
  ];
}
