/**
 * Event capacity arithmetic: how many tasks a service needs for the expected peak, the
 * requests-per-target value autoscaling holds, and when the pre-warm starts and ends. Pure
 * functions of config, shared by config validation (which rejects a peak the services cannot
 * reach) and the event stack (which writes the scheduled actions).
 */
import type { DateTime, Duration } from "luxon";
import type { EventPlatformConfig } from "./schema";
import { parseDuration, schedulerAtExpression } from "./time";

export interface PrewarmInput {
  /** Expected peak requests per second of the whole event. */
  readonly expectedPeakRps: number;
  /** What one task sustains (requests/s, or messages/s for a worker). */
  readonly ratePerTask: number;
  /** Fraction (0, 1] of the peak this service sees. */
  readonly trafficShare: number;
  /** Extra capacity over the peak, in percent. */
  readonly headroomPercent: number;
  readonly minTasks: number;
  readonly maxTasks: number;
}

export interface PrewarmPlan {
  /** Tasks to run from the pre-warm time: `needed` kept within [minTasks, maxTasks]. */
  readonly tasks: number;
  /** Tasks the peak plus headroom needs, before the bounds. */
  readonly needed: number;
  /** True when `maxTasks` cut the count: the service cannot carry the expected peak with its headroom. */
  readonly capped: boolean;
}

/**
 * Tasks a service needs at the expected peak: `ceil(peak x share x (1 + headroom) / ratePerTask)`,
 * kept within the service's bounds.
 */
export function prewarmTaskCount(input: PrewarmInput): PrewarmPlan {
  const { expectedPeakRps, ratePerTask, trafficShare, headroomPercent, minTasks, maxTasks } = input;
  if (!(ratePerTask > 0)) throw new Error(`ratePerTask must be greater than 0, got ${ratePerTask}`);
  if (minTasks > maxTasks) throw new Error(`minTasks (${minTasks}) is greater than maxTasks (${maxTasks})`);
  const load = expectedPeakRps * trafficShare * (1 + headroomPercent / 100);
  // The epsilon absorbs binary fractions (30000 x 1.3 = 39000.000000000004), which must not
  // cost a whole extra task.
  const needed = Math.max(0, Math.ceil(load / ratePerTask - 1e-9));
  const tasks = Math.min(maxTasks, Math.max(minTasks, needed));
  return { tasks, needed, capped: needed > maxTasks };
}

/**
 * Target value of the `ALBRequestCountPerTarget` policy (requests per target per minute): the
 * per-task load at the expected peak once the pre-warm count runs, so that at the forecast peak
 * autoscaling neither adds nor removes tasks, and above it adds them before tasks saturate.
 */
export function requestCountTarget(ratePerTask: number, headroomPercent: number): number {
  return Math.max(1, Math.floor((ratePerTask * 60 * 100) / (100 + headroomPercent)));
}

export interface PrewarmWindow {
  /** When the minimum is raised to the pre-warm count: `opens - prewarmBefore`. */
  readonly raiseAt: DateTime;
  /** When the minimum returns to `minTasks`: `closes + scaleDownAfter`. */
  readonly lowerAt: DateTime;
  /** IANA zone the `at()` expressions are written in. */
  readonly zone: string;
  /** `at(...)` expression of `raiseAt`, wall-clock time in `zone`. */
  readonly raiseExpression: string;
  /** `at(...)` expression of `lowerAt`, wall-clock time in `zone`. */
  readonly lowerExpression: string;
}

/** The pre-warm window of an event, in the event's time zone. */
export function prewarmWindow(
  event: { readonly opensAt: DateTime; readonly closesAt: DateTime; readonly zone: string },
  prewarmBefore: Duration,
  scaleDownAfter: Duration,
): PrewarmWindow {
  const raiseAt = event.opensAt.minus(prewarmBefore).setZone(event.zone);
  const lowerAt = event.closesAt.plus(scaleDownAfter).setZone(event.zone);
  return {
    raiseAt,
    lowerAt,
    zone: event.zone,
    raiseExpression: schedulerAtExpression(raiseAt),
    lowerExpression: schedulerAtExpression(lowerAt),
  };
}

/** What the event stack needs to size one service for one event. */
export interface ServiceCapacityPlan {
  readonly prewarm: PrewarmPlan;
  /** `ALBRequestCountPerTarget` target for http services; undefined for workers. */
  readonly requestCountTargetPerMinute?: number;
  readonly window: PrewarmWindow;
}

/** Capacity plan of every configured service for one event. */
export function serviceCapacityPlans(
  platform: Pick<EventPlatformConfig, "services" | "capacity">,
  event: { readonly expectedPeakRps: number; readonly opensAt: DateTime; readonly closesAt: DateTime; readonly zone: string },
): Record<string, ServiceCapacityPlan> {
  const { headroomPercent } = platform.capacity;
  const window = prewarmWindow(event, parseDuration(platform.capacity.prewarmBefore), parseDuration(platform.capacity.scaleDownAfter));
  return Object.fromEntries(
    Object.entries(platform.services).map(([name, service]) => [
      name,
      {
        prewarm: prewarmTaskCount({ ...service, expectedPeakRps: event.expectedPeakRps, headroomPercent }),
        ...(service.kind === "http" ? { requestCountTargetPerMinute: requestCountTarget(service.ratePerTask, headroomPercent) } : {}),
        window,
      },
    ]),
  );
}
