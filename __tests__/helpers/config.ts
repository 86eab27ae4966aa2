import type { DateTime } from "luxon";
import { ConfigError, validateConfig, type Config, type ConfigInput } from "../../src/config";
import { DEFAULT_KEY_BLOCK_SIZE, KEY_BLOCK_FLOOR } from "../../src/config/validate";
import { FIXTURE_NOW, fixtureInput } from "./fixture-config";

/** A fresh, mutable copy of the fixture config input (the repository's settings, the fixture calendar). */
export function configInput(): ConfigInput {
  return fixtureInput();
}

/**
 * The fixture config with `change` applied, validated at `now` (the fixture's by default).
 * Calendar entries the change adds without a key block get the next free one (the block
 * validation would suggest), so tests about other fields need not spell one out;
 * {@link problemsOf} adds nothing, so validation tests see exactly what they wrote.
 */
export function configWith(change: (input: ConfigInput) => void = () => undefined, now: DateTime = FIXTURE_NOW): Config {
  const input = configInput();
  change(input);
  withKeyBlocks(input);
  return validateConfig(input, {}, now);
}

function withKeyBlocks(input: ConfigInput): void {
  const calendar = input.events.calendar ?? [];
  let next = Math.max(KEY_BLOCK_FLOOR, ...calendar.flatMap((e) => (e.keyBlock ? [e.keyBlock.first + e.keyBlock.size] : [])));
  for (const event of calendar) {
    if (event.keyBlock) continue;
    event.keyBlock = { first: next, size: DEFAULT_KEY_BLOCK_SIZE };
    next += DEFAULT_KEY_BLOCK_SIZE;
  }
}

/** Calendar of a config input (always an array in tests). */
export function calendarOf(input: ConfigInput): NonNullable<ConfigInput["events"]["calendar"]> {
  input.events.calendar ??= [];
  return input.events.calendar;
}

/** Moves the event environments into an account of their own (510987654321), peered to prod cross-account. */
export function eventsInOwnAccount(input: ConfigInput): void {
  input.events.platform.account = "510987654321";
  input.events.platform.peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/flashcrowd-peering-accepter" };
}

/** The problems validation reports for the fixture config with `change` applied (at the fixture's "now" by default), as `path: message`. */
export function problemsOf(change: (input: ConfigInput) => void, now: DateTime = FIXTURE_NOW): string[] {
  const input = configInput();
  change(input);
  try {
    validateConfig(input, {}, now);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}
