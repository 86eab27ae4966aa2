/**
 * The configuration tests build on: the repository's environments and platform settings with a
 * two-event calendar of their own, far in the future, and a fixed "now". The live calendar is
 * operator data (past events are removed from it) and today's date moves on; neither may decide
 * whether a test passes. Only the tests of the live configuration itself read loadConfig().
 */
import { defaultConfigInput, validateConfig, type Config, type ConfigEnv } from "../../src/config";
import type { ConfigInput } from "../../src/config/schema";
import { FIXTURE_NOW, fixtureCalendar } from "./fixture-calendar";

export * from "./fixture-calendar";

/** A fresh, mutable config input: the repository's settings with the fixture calendar. */
export function fixtureInput(): ConfigInput {
  const input = structuredClone(defaultConfigInput);
  input.events.calendar = fixtureCalendar();
  return input;
}

/** The fixture config, validated at {@link FIXTURE_NOW}; `env` as for loadConfig (e.g. TFC_ORG). */
export function fixtureConfig(env: ConfigEnv = {}): Config {
  return validateConfig(fixtureInput(), env, FIXTURE_NOW);
}
