import { DateTime, Duration, IANAZone } from "luxon";

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Result of parsing one calendar time: the instant in its zone, or a message saying what to fix. */
export type ParsedInstant = { ok: true; at: DateTime } | { ok: false; message: string };

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Parses an event time. Two forms are accepted:
 * - ISO-8601 with an offset (`2026-12-04T20:00:00+09:00`); with `timeZone` too, the offset must be
 *   the zone's offset at that instant (catches a stale offset across a DST change);
 * - local ISO-8601 without offset (`2026-12-04T20:00`) plus `timeZone`; a local time that does not
 *   exist in that zone (skipped by a DST change) is an error, and so is one that occurs twice (the
 *   hour repeated when DST ends): the message names the two offsets to choose from.
 */
export function parseInstant(text: string, timeZone: string | undefined): ParsedInstant {
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    return { ok: false, message: `time zone "${timeZone}" is not an IANA time zone; use a name like Asia/Seoul` };
  }
  if (HAS_OFFSET.test(text)) {
    const at = DateTime.fromISO(text, { setZone: true });
    if (!at.isValid) return { ok: false, message: `"${text}" is not a valid ISO-8601 date-time` };
    if (timeZone === undefined) return { ok: true, at };
    const inZone = at.setZone(timeZone);
    if (inZone.offset !== at.offset) {
      return {
        ok: false,
        message:
          `"${text}" has offset ${at.toFormat("ZZ")} but ${timeZone} is ${inZone.toFormat("ZZ")} at that time; ` +
          `write ${inZone.toISO({ suppressMilliseconds: true })} or drop the offset`,
      };
    }
    return { ok: true, at: inZone };
  }
  if (!LOCAL_ISO.test(text)) {
    return {
      ok: false,
      message: `"${text}" is not ISO-8601; write 2026-12-04T20:00:00+09:00, or 2026-12-04T20:00 with timeZone`,
    };
  }
  if (timeZone === undefined) {
    return { ok: false, message: `"${text}" has no UTC offset; add one (+09:00) or set timeZone` };
  }
  const at = DateTime.fromISO(text, { zone: timeZone });
  if (!at.isValid) return { ok: false, message: `"${text}" is not a valid date-time` };
  const wanted = text.length === 16 ? `${text}:00` : text;
  if (at.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wanted) {
    return {
      ok: false,
      message: `${text} does not exist in ${timeZone} (skipped by a daylight-saving change); pick another time`,
    };
  }
  const wall = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const twin = [at.minus({ hours: 1 }), at.plus({ hours: 1 })].find((d) => wall(d) === wall(at));
  if (twin) {
    const [first, second] = [at, twin].sort((a, b) => a.toMillis() - b.toMillis()) as [DateTime, DateTime];
    return {
      ok: false,
      message:
        `${text} occurs twice in ${timeZone} (the hour repeated when daylight saving ends); ` +
        `write ${first.toISO({ suppressMilliseconds: true })} or ${second.toISO({ suppressMilliseconds: true })}`,
    };
  }
  return { ok: true, at };
}

export function parseDuration(iso: string): Duration {
  const d = Duration.fromISO(iso);
  if (!d.isValid) throw new Error(`"${iso}" is not an ISO-8601 duration`);
  return d;
}

/** `at(...)` expression for EventBridge Scheduler: local wall-clock time in the schedule's zone. */
export function schedulerAtExpression(at: DateTime): string {
  return `at(${at.toFormat("yyyy-MM-dd'T'HH:mm:ss")})`;
}
