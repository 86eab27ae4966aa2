/**
 * Removing an event from the calendar outright deletes its workspace (Terraform Cloud refuses while
 * the workspace still manages resources, which fails the deploy) and its schedules (a live
 * environment would be left without its teardown). The configuration alone cannot see a removal,
 * so synthesis writes the calendar next to the stacks, and the workflows compare the base's with
 * the head's before anything is applied.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import { RETIRE_AFTER_HOURS, type Config } from "./validate";

/** File in the synth folder holding {@link CalendarManifest}. */
export const CALENDAR_MANIFEST = "calendar.json";

/** What a synthesized app records of each event that has a stack. */
export interface CalendarManifestEntry {
  readonly slug: string;
  readonly stackId: string;
  /** `opens - lead`, ISO-8601 UTC. */
  readonly spinUpAt: string;
  /** `closes + grace`, ISO-8601 UTC. */
  readonly teardownAt: string;
  readonly retired: boolean;
}

export type CalendarManifest = readonly CalendarManifestEntry[];

export function calendarManifest(config: Config): CalendarManifest {
  const utc = (at: DateTime) => at.toUTC().toISO({ suppressMilliseconds: true })!;
  return config.events.withStacks.map((e) => ({
    slug: e.slug,
    stackId: e.stackId,
    spinUpAt: utc(e.spinUpAt),
    teardownAt: utc(e.teardownAt),
    retired: e.retired,
  }));
}

export function writeCalendarManifest(config: Config, synthDir: string): void {
  writeFileSync(join(synthDir, CALENDAR_MANIFEST), `${JSON.stringify(calendarManifest(config), null, 2)}\n`);
}

/** The calendar a synth folder recorded; undefined when it has none (synthesized before it was recorded). */
export function readCalendarManifest(synthDir: string): CalendarManifest | undefined {
  const path = join(synthDir, CALENDAR_MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as CalendarManifest) : undefined;
}

/**
 * Why each event of `base` that `head` no longer has may not be removed yet. Removal is safe only
 * when nothing of the event can be running: its teardown started more than the safety margin ago
 * (the verified teardown has had its time), or its spin-up is more than the margin away (the
 * change is deployed before anything is applied).
 */
export function unsafeRemovals(base: CalendarManifest, head: CalendarManifest, now: DateTime): string[] {
  const kept = new Set(head.map((e) => e.slug));
  const margin = { hours: RETIRE_AFTER_HOURS };
  return base
    .filter((e) => !kept.has(e.slug))
    .flatMap((e) => {
      const spinUpAt = DateTime.fromISO(e.spinUpAt, { zone: "utc" });
      const teardownAt = DateTime.fromISO(e.teardownAt, { zone: "utc" });
      const removable = teardownAt.plus(margin);
      if (now >= removable || now < spinUpAt.minus(margin)) return [];
      return [
        `event "${e.slug}" was removed from the calendar, but its environment may be up: it spins up ${e.spinUpAt} and its teardown starts ${e.teardownAt}. ` +
          `Removing it now deletes its teardown schedule and asks Terraform Cloud to delete ${e.stackId}'s workspace. ` +
          `Keep the entry (set retired: true from ${removable.toISO({ suppressMilliseconds: true })}), and remove it once its workspace is empty`,
      ];
    });
}
