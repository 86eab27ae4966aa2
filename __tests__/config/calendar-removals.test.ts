import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { calendarManifest, unsafeRemovals, type CalendarManifest } from "../../src/config/calendar-removals";
import { configWith } from "../helpers/config";

const WEEK_AFTER = DateTime.fromISO("2031-12-12T00:00:00Z");

describe("the calendar a synthesized app records", () => {
  it("lists every event with a stack, its times in UTC and whether it is retired", () => {
    const config = configWith((c) => (c.events.calendar![0]!.retired = true), WEEK_AFTER);
    expect(calendarManifest(config)).toEqual([
      { slug: "xmas-mega-sale", stackId: "event-xmas-mega-sale", spinUpAt: "2031-12-04T08:00:00Z", teardownAt: "2031-12-05T16:00:00Z", retired: true },
      { slug: "stadium-show-tickets", stackId: "event-stadium-show-tickets", spinUpAt: "2032-01-14T23:00:00Z", teardownAt: "2032-01-15T06:00:00Z", retired: false },
    ]);
  });
});

describe("removing an event from the calendar", () => {
  // The December sale: spin-up 2031-12-04T08:00Z, teardown 2031-12-05T16:00Z.
  const base: CalendarManifest = calendarManifest(configWith());
  const withoutDecember = base.filter((e) => e.slug !== "xmas-mega-sale");

  it.each<[string, string, boolean]>([
    ["more than a day before its spin-up (cancelled, never applied)", "2031-12-03T07:59:00Z", true],
    ["less than a day before its spin-up", "2031-12-03T08:01:00Z", false],
    ["while it runs", "2031-12-05T00:00:00Z", false],
    ["during its verified teardown", "2031-12-05T18:00:00Z", false],
    ["a minute short of a day after its teardown", "2031-12-06T15:59:00Z", false],
    ["a day after its teardown", "2031-12-06T16:00:00Z", true],
    ["a year later", "2032-12-06T16:00:00Z", true],
  ])("%s: allowed %s", (_name, now, allowed) => {
    // GIVEN the base calendar and a head without the December sale WHEN compared at `now`
    const problems = unsafeRemovals(base, withoutDecember, DateTime.fromISO(now));
    // THEN the removal is refused, naming the event, its times and the fix, unless nothing of it can be running
    if (allowed) {
      expect(problems).toEqual([]);
    } else {
      expect(problems).toEqual([
        'event "xmas-mega-sale" was removed from the calendar, but its environment may be up: it spins up 2031-12-04T08:00:00Z and its teardown starts 2031-12-05T16:00:00Z. ' +
          "Removing it now deletes its teardown schedule and asks Terraform Cloud to delete event-xmas-mega-sale's workspace. " +
          "Keep the entry (set retired: true from 2031-12-06T16:00:00Z), and remove it once its workspace is empty",
      ]);
    }
  });

  it("says nothing about events that stay, or that are new", () => {
    expect(unsafeRemovals(withoutDecember, base, DateTime.fromISO("2031-12-05T00:00:00Z"))).toEqual([]);
    expect(unsafeRemovals(base, base, DateTime.fromISO("2031-12-05T00:00:00Z"))).toEqual([]);
  });
});
