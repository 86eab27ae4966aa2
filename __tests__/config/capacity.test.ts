import { DateTime, Duration } from "luxon";
import { describe, expect, it } from "vitest";
import { configWith } from "../helpers/config";
import { prewarmTaskCount, prewarmWindow, requestCountTarget, serviceCapacityPlans } from "../../src/config/capacity";

const base = { ratePerTask: 500, trafficShare: 1, headroomPercent: 30, minTasks: 2, maxTasks: 200 };

describe("prewarmTaskCount", () => {
  it.each([
    // peak, share, headroom, rate, min, max -> tasks, needed, capped
      [30000, 1, 30, 500, 2, 200, 78, 78, false],
    [50000, 0.4, 30, 400, 2, 120, 65, 65, false],
    [50000, 0.02, 30, 100, 1, 30, 13, 13, false],
    [10000, 1, 0, 500, 2, 200, 20, 20, false],
    [10001, 1, 0, 500, 2, 200, 21, 21, false],
    [100, 1, 30, 500, 2, 200, 2, 1, false],
    [90000, 1, 30, 500, 2, 200, 200, 234, true],
  ])("peak %i x share %d with %i%% headroom at %i/task, bounds [%i, %i]: %i tasks (needs %i, capped %s)", (expectedPeakRps, trafficShare, headroomPercent, ratePerTask, minTasks, maxTasks, tasks, needed, capped) => {
    expect(prewarmTaskCount({ expectedPeakRps, trafficShare, headroomPercent, ratePerTask, minTasks, maxTasks })).toEqual({ tasks, needed, capped });
  });

  it("does not round a binary fraction up into a whole extra task", () => {
    // 10000 x 0.7 x 1.1 / 100 is 77.00000000000001 in floating point; the load needs exactly 77.
    expect(prewarmTaskCount({ ...base, expectedPeakRps: 10000, trafficShare: 0.7, headroomPercent: 10, ratePerTask: 100 }).needed).toBe(77);
  });

  it("rejects bounds upside down and a zero rate", () => {
    expect(() => prewarmTaskCount({ ...base, expectedPeakRps: 1000, minTasks: 5, maxTasks: 4 })).toThrow(/minTasks \(5\) is greater than maxTasks \(4\)/);
    expect(() => prewarmTaskCount({ ...base, expectedPeakRps: 1000, ratePerTask: 0 })).toThrow(/ratePerTask must be greater than 0/);
  });
});

describe("requestCountTarget", () => {
  it("is the per-task load per minute at the forecast peak once the pre-warm runs", () => {
    // 500 rps per task with 30% headroom: tasks run at 500/1.3 = 384.6 rps = 23076 requests a minute.
    expect(requestCountTarget(500, 30)).toBe(23076);
    expect(requestCountTarget(500, 0)).toBe(30000);
  });
});

describe("prewarmWindow", () => {
  it("raises before opening and lowers after closing, written in the event's zone", () => {
    const window = prewarmWindow(
      {
        opensAt: DateTime.fromISO("2026-12-04T20:00", { zone: "Asia/Seoul" }),
        closesAt: DateTime.fromISO("2026-12-06T00:00", { zone: "Asia/Seoul" }),
        zone: "Asia/Seoul",
      },
      Duration.fromISO("PT30M"),
      Duration.fromISO("PT15M"),
    );
    expect(window.raiseExpression).toBe("at(2026-12-04T19:30:00)");
    expect(window.lowerExpression).toBe("at(2026-12-06T00:15:00)");
    expect(window.zone).toBe("Asia/Seoul");
  });

  it("keeps wall-clock times in the zone across a daylight-saving change", () => {
    // Clocks go forward at 02:00 on 2027-03-14 in New York: 30 minutes before 03:15 EDT is 01:45 EST.
    const window = prewarmWindow(
      {
        opensAt: DateTime.fromISO("2027-03-14T03:15", { zone: "America/New_York" }),
        closesAt: DateTime.fromISO("2027-03-14T06:00", { zone: "America/New_York" }),
        zone: "America/New_York",
      },
      Duration.fromISO("PT30M"),
      Duration.fromISO("PT15M"),
    );
    expect(window.raiseExpression).toBe("at(2027-03-14T01:45:00)");
    expect(window.raiseAt.toISO()).toBe("2027-03-14T01:45:00.000-05:00");
  });

  it("writes UTC times for an event given with offsets only", () => {
    const window = prewarmWindow(
      {
        opensAt: DateTime.fromISO("2027-01-15T10:00:00+09:00", { setZone: true }),
        closesAt: DateTime.fromISO("2027-01-15T14:00:00+09:00", { setZone: true }),
        zone: "UTC",
      },
      Duration.fromISO("PT30M"),
      Duration.fromISO("PT15M"),
    );
    expect(window.raiseExpression).toBe("at(2027-01-15T00:30:00)");
  });
});

describe("serviceCapacityPlans", () => {
  it("sizes every configured service for an event, with request targets for http services only", () => {
    const config = configWith();
    const sale = config.events.calendar[0]!;
    const plans = serviceCapacityPlans(config.events.platform, sale);
    expect(Object.fromEntries(Object.entries(plans).map(([name, p]) => [name, [p.prewarm.tasks, p.requestCountTargetPerMinute]]))).toEqual({
      web: [78, 23076], // 30000 rps x 1.3 / 500
      api: [39, 18461], // 30000 x 0.4 x 1.3 / 400
      worker: [8, undefined], // 30000 x 0.02 x 1.3 / 100 = 7.8
    });
    expect(plans.web!.window.raiseExpression).toBe("at(2031-12-04T19:30:00)");
  });
});
