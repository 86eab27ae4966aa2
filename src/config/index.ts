import { calendar, eventPlatform } from "./events";
import { environments } from "./environments";
import { policy } from "./policy";
import { project } from "./project";
import type { ConfigInput } from "./schema";
import { validateConfig, type Config, type ConfigEnv } from "./validate";

export { ConfigError, validateConfig } from "./validate";
export type { Config, ConfigEnv, ConfigProblem, ResolvedEvent } from "./validate";
export type * from "./schema";
export type * from "./addons-schema";

/** The configuration in this repository, as written. */
export const defaultConfigInput: ConfigInput = {
  project,
  environments,
  events: { platform: eventPlatform, calendar },
  policy,
};

/** Validates the repository's configuration, applying environment overrides (TFC_ORG). */
export function loadConfig(env: ConfigEnv = process.env): Config {
  return validateConfig(defaultConfigInput, env);
}
