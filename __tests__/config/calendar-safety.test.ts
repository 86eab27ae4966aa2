/**
 * Calendar fields that keep data and deploys safe: each event's key block, retiring an event, and
 * the optional auto-destroy safety net.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { calendarOf, configInput, configWith, problemsOf } from "../helpers/config";
import { FIXTURE_NOW } from "../helpers/fixture-config";
import { validateConfig } from "../../src/config";

/** Before the December sale: its teardown (2031-12-05T16:00Z) is two days away. */
const BEFORE_SALE = DateTime.fromISO("2031-12-03T12:00:00Z");
/** A week after the December sale's teardown. */
const WEEK_AFTER = DateTime.fromISO("2031-12-12T00:00:00Z");

const sale = (c: ConfigInput) => calendarOf(c)[0]!;
const tickets = (c: ConfigInput) => calendarOf(c)[1]!;

/** A November sale, long over, retired, holding keys 9_200_000_000_000 to 9_299_999_999_999. */
const retiredNovemberSale = (c: ConfigInput) =>
  calendarOf(c).push({
    slug: "nov-warm-up",
    name: "November warm-up",
    opens: "2026-11-20T20:00",
    closes: "2026-11-21T02:00",
    timeZone: "Asia/Seoul",
    expectedPeakRps: 1000,
    cidr: "10.64.32.0/20",
    keyBlock: { first: 9_200_000_000_000, size: 100_000_000_000 },
    retired: true,
  });

describe("event key blocks", () => {
  it("resolve to inclusive first and last keys", () => {
    const config = configWith();
    expect(config.events.calendar.map((e) => [e.slug, e.keyBlock])).toEqual([
      ["xmas-mega-sale", { first: 9_000_000_000_000, last: 9_099_999_999_999 }],
      ["stadium-show-tickets", { first: 9_100_000_000_000, last: 9_199_999_999_999 }],
    ]);
  });

  it.each<[string, (c: ConfigInput) => void, string]>([
    [
      "a missing block, naming the next free one",
      (c) => delete tickets(c).keyBlock,
      'events.calendar[1].keyBlock (event "stadium-show-tickets"): is required: every event hands out primary keys from a block of its own, so its rows cannot collide with prod\'s or another event\'s; { first: 9_100_000_000_000, size: 100_000_000_000 } is free',
    ],
    ["a first key of 0", (c) => (sale(c).keyBlock!.first = 0), 'events.calendar[0].keyBlock.first (event "xmas-mega-sale"): must be at least 1'],
    ["a fractional first key", (c) => (sale(c).keyBlock!.first = 9e12 + 0.5), 'events.calendar[0].keyBlock.first (event "xmas-mega-sale"): must be a whole number'],
    ["a block under a million keys", (c) => (sale(c).keyBlock!.size = 999_999), 'events.calendar[0].keyBlock.size (event "xmas-mega-sale"): must be at least 1,000,000 keys (a sale\'s orders, items and payments must fit)'],
    [
      "a block past Number.MAX_SAFE_INTEGER",
      (c) => (tickets(c).keyBlock = { first: Number.MAX_SAFE_INTEGER - 10, size: 1_000_000 }),
      'events.calendar[1].keyBlock (event "stadium-show-tickets"): ends at 9_007_199_255_740_980, above 9_007_199_254_740_991 (Number.MAX_SAFE_INTEGER, below signed BIGINT\'s maximum); lower first or size',
    ],
    [
      "a block overlapping another event's, naming both, the overlap and the next free block",
      (c) => (tickets(c).keyBlock = { first: 9_050_000_000_000, size: 100_000_000_000 }),
      'events.calendar[1].keyBlock (event "stadium-show-tickets"): keys 9_050_000_000_000-9_149_999_999_999 overlap events.calendar[0].keyBlock (event "xmas-mega-sale", 9_000_000_000_000-9_099_999_999_999) on 9_050_000_000_000-9_099_999_999_999; rows of the two events could collide in prod; { first: 9_100_000_000_000, size: 100_000_000_000 } is free',
    ],
    [
      "a block overlapping a retired event's, skipping every taken block in the suggestion",
      (c) => {
        retiredNovemberSale(c);
        calendarOf(c).push({
          slug: "spring-sale",
          name: "Spring sale",
          opens: "2027-03-20T20:00",
          closes: "2027-03-21T02:00",
          timeZone: "Asia/Seoul",
          expectedPeakRps: 1000,
          cidr: "10.64.48.0/20",
          keyBlock: { first: 9_250_000_000_000, size: 1_000_000 },
        });
      },
      'events.calendar[3].keyBlock (event "spring-sale"): keys 9_250_000_000_000-9_250_000_999_999 overlap events.calendar[2].keyBlock (event "nov-warm-up", 9_200_000_000_000-9_299_999_999_999) on 9_250_000_000_000-9_250_000_999_999; rows of the two events could collide in prod; { first: 9_300_000_000_000, size: 1_000_000 } is free',
    ],
  ])("rejects %s", (_name, change, expected) => {
    // GIVEN the fixture calendar with one change WHEN validated THEN exactly this problem is reported
    expect(problemsOf(change, WEEK_AFTER)).toEqual([expected]);
  });
});

describe("retiring an event", () => {
  it("keeps its stack and workspace but takes it off the scheduled calendar", () => {
    // GIVEN the December sale retired a week after its teardown
    const config = configWith((c) => (sale(c).retired = true), WEEK_AFTER);
    // THEN it has no schedules (it is not on the calendar) but still a stack and a workspace
    expect(config.events.calendar.map((e) => e.slug)).toEqual(["stadium-show-tickets"]);
    expect(config.events.retired.map((e) => e.slug)).toEqual(["xmas-mega-sale"]);
    expect(config.events.withStacks.map((e) => e.slug)).toEqual(["xmas-mega-sale", "stadium-show-tickets"]);
    expect(stackCatalog(config).get("event-xmas-mega-sale")).toMatchObject({ kind: "ephemeral", workspace: "flashcrowd-event-xmas-mega-sale" });
  });

  it("keeps its CIDR reserved", () => {
    const problems = problemsOf((c) => {
      retiredNovemberSale(c);
      tickets(c).cidr = "10.64.32.0/20";
    }, WEEK_AFTER);
    expect(problems.some((p) => p.startsWith('events.calendar[2].cidr (event "nov-warm-up"): 10.64.32.0/20 overlaps events.calendar[1].cidr'))).toBe(true);
  });

  it.each<[string, DateTime]>([
    ["before its sale", BEFORE_SALE],
    ["during its verified teardown", DateTime.fromISO("2031-12-05T18:00:00Z")],
    ["a minute short of a day after its teardown", DateTime.fromISO("2031-12-06T15:59:00Z")],
  ])("is refused %s: it would leave the environment without a teardown", (_name, now) => {
    expect(problemsOf((c) => (sale(c).retired = true), now)).toEqual([
      'events.calendar[0].retired (event "xmas-mega-sale"): the event\'s teardown starts 2031-12-05T16:00:00Z; retiring drops its schedules, so it is allowed from 2031-12-06T16:00:00Z (24 h later), once the verified teardown has run. ' +
        "Leave retired unset until then (to end a sale early, move closes earlier; to cancel an event that has not been spun up, remove its entry before its spin-up)",
    ]);
  });

  it("is allowed from a day after its teardown, and stays allowed as time passes", () => {
    for (const now of ["2031-12-06T16:00:00Z", "2032-12-06T16:00:00Z"]) {
      expect(problemsOf((c) => (sale(c).retired = true), DateTime.fromISO(now)), now).toEqual([]);
    }
  });
});

describe("the auto-destroy safety net", () => {
  it("is off when config leaves it out", () => {
    const input = configInput();
    delete input.project.terraformCloud.eventAutoDestroyDelay;
    const config = validateConfig(input, {}, FIXTURE_NOW);
    expect(config.project.terraformCloud.eventAutoDestroyDelay).toBe(false);
    expect(stackCatalog(config).get("event-xmas-mega-sale").autoDestroyAt).toBeUndefined();
  });

  it("is off when set to false", () => {
    const config = configWith((c) => (c.project.terraformCloud.eventAutoDestroyDelay = false));
    expect(stackCatalog(config).stacks.filter((s) => s.autoDestroyAt !== undefined)).toEqual([]);
  });

  it("rejects true, which says nothing about when", () => {
    expect(problemsOf((c) => (c.project.terraformCloud.eventAutoDestroyDelay = true as never))).toEqual([
      "project.terraformCloud.eventAutoDestroyDelay: must be an ISO-8601 duration like PT6H, or false for no auto-destroy",
    ]);
  });
});
