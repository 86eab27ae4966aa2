import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { lifecycleInput } from "../../src/lifecycle/input";
import { planSchedules, schedulerAt } from "../../src/lifecycle/schedules";
import { calendarOf, configWith } from "../helpers/config";

const NOW = DateTime.fromISO("2026-11-22T00:00:00Z");

describe("lifecycle schedules", () => {
  it("plans a spin-up at opens - lead and a teardown at closes + grace, in the event's zone", () => {
    const config = configWith();
    const plan = planSchedules(config, NOW).filter((s) => s.event.slug === "xmas-mega-sale");
    // opens 2031-12-04T20:00 Asia/Seoul, lead PT3H; closes 2031-12-06T00:00, grace PT1H (platform default)
    expect(plan.map((s) => [s.action, s.expression, s.timezone])).toEqual([
      ["up", "at(2031-12-04T17:00:00)", "Asia/Seoul"],
      ["down", "at(2031-12-06T01:00:00)", "Asia/Seoul"],
    ]);
  });

  it("subtracts the lead time across a daylight-saving change in absolute time (America/New_York, spring forward)", () => {
    const config = configWith((c) => {
      calendarOf(c).push({
        slug: "spring-drop",
        name: "Spring drop",
        opens: "2027-03-14T05:00",
        closes: "2027-03-14T09:00",
        timeZone: "America/New_York",
        leadTime: "PT3H",
        expectedPeakRps: 1000,
        cidr: "10.64.32.0/20",
      });
    });
    const [up, down] = planSchedules(config, NOW).filter((s) => s.event.slug === "spring-drop");
    // 05:00 EDT is 09:00Z; three hours earlier is 06:00Z = 01:00 EST (the clocks skip 02:00-03:00).
    expect(up).toMatchObject({ expression: "at(2027-03-14T01:00:00)", timezone: "America/New_York" });
    expect(up!.at.toUTC().toISO()).toBe("2027-03-14T06:00:00.000Z");
    expect(down).toMatchObject({ expression: "at(2027-03-14T10:00:00)", timezone: "America/New_York" });
  });

  it("writes a wall-clock time that occurs twice (fall back) in UTC, the only unambiguous form", () => {
    const at = DateTime.fromISO("2026-11-01T06:30:00Z"); // 01:30 EST, the second 01:30 of the night
    expect(schedulerAt(at, "America/New_York")).toEqual({ expression: "at(2026-11-01T06:30:00)", timezone: "UTC" });
    expect(schedulerAt(DateTime.fromISO("2026-11-01T08:30:00Z"), "America/New_York")).toEqual({
      expression: "at(2026-11-01T03:30:00)",
      timezone: "America/New_York",
    });
  });

  it("plans nothing for an event already past", () => {
    const config = configWith();
    const later = DateTime.fromISO("2031-12-10T00:00:00Z");
    expect(planSchedules(config, later).map((s) => s.event.slug)).not.toContain("xmas-mega-sale");
  });

  it("plans only the teardown for an event that is running", () => {
    const config = configWith();
    const during = DateTime.fromISO("2031-12-05T00:00:00Z");
    expect(planSchedules(config, during).filter((s) => s.event.slug === "xmas-mega-sale").map((s) => s.action)).toEqual(["down"]);
  });

  it("gives each execution the shared resource names of its event", () => {
    const config = configWith();
    const input = lifecycleInput(config, config.events.calendar[0]!, "down");
    expect(input).toMatchObject({
      action: "down",
      scheduledAt: "2031-12-06T01:00:00+09:00",
      event: {
        workspace: "flashcrowd-event-xmas-mega-sale",
        dmsTaskId: "flashcrowd-event-xmas-mega-sale-sync",
        postApplyFunctionName: "flashcrowd-event-xmas-mega-sale-post-apply",
        ownerChannel: "#sale-ops",
      },
    });
  });
});
