import type { Config } from "../config";
import type { PolicyContext } from "./types";

/**
 * What the rules know about a stack beyond its JSON, from config: environments are permanent
 * platforms (their `-addons` stacks too), calendar events are ephemeral, anything else (control,
 * tfc, event-edge) is a permanent shared stack. The environment events sync into is "prod".
 */
export function policyContext(config: Config, stackId: string): PolicyContext {
  const syncTo = config.events.platform.syncTo;
  const environmentId = stackId in config.environments ? stackId : stackId.endsWith("-addons") ? stackId.slice(0, -"-addons".length) : undefined;
  const environment = environmentId ? config.environments[environmentId] : undefined;
  if (environmentId && environment) {
    return { stackId, kind: "platform", lifetime: "permanent", prod: environmentId === syncTo, syncTo, highAvailability: environment.highAvailability };
  }
  const isEvent = config.events.withStacks.some((e) => e.stackId === stackId);
  if (isEvent) {
    return { stackId, kind: "event", lifetime: "ephemeral", prod: false, syncTo, highAvailability: config.events.platform.highAvailability };
  }
  return { stackId, kind: "shared", lifetime: "permanent", prod: false, syncTo, highAvailability: false };
}
