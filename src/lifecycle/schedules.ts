/**
 * One-time EventBridge Scheduler schedules from the calendar: spin-up at `opens - lead` and
 * teardown at `closes + grace` for every event, in the event's time zone. A time already past
 * produces no schedule (a one-time schedule in the past would never fire, and an event that has
 * happened must not be spun up again by a late apply of the control stack).
 */
import type { DateTime } from "luxon";
import type { Config, ResolvedEvent } from "../config";
import { schedulerAtExpression } from "../config/time";
import type { LifecycleAction } from "./input";

export interface PlannedSchedule {
  readonly event: ResolvedEvent;
  readonly action: LifecycleAction;
  /** The instant the schedule fires. */
  readonly at: DateTime;
  /** `at(yyyy-mm-ddThh:mm:ss)`, wall-clock time in `timezone`. */
  readonly expression: string;
  readonly timezone: string;
}

export function planSchedules(config: Config, now: DateTime): PlannedSchedule[] {
  const out: PlannedSchedule[] = [];
  for (const event of config.events.calendar) {
    for (const [action, at] of [
      ["up", event.spinUpAt],
      ["down", event.teardownAt],
    ] as const) {
      if (at.toMillis() <= now.toMillis()) continue;
      out.push({ event, action, at, ...schedulerAt(at, event.zone) });
    }
  }
  return out;
}

/**
 * The `at()` expression and zone for an instant. Scheduler reads `at()` as wall-clock time in the
 * zone, so an instant whose wall-clock time occurs twice in that zone (the hour repeated when
 * daylight saving ends) is written in UTC instead: the only way to say which of the two is meant.
 */
export function schedulerAt(at: DateTime, zone: string): { expression: string; timezone: string } {
  const local = at.setZone(zone);
  if (local.getPossibleOffsets().length > 1) {
    return { expression: schedulerAtExpression(at.toUTC()), timezone: "UTC" };
  }
  return { expression: schedulerAtExpression(local), timezone: zone };
}
