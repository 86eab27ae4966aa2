import { stackCatalog, type StackCatalog } from "./stack-catalog";
import type { Config } from "../config";
import type { PolicyContext, PolicyInputs } from "../policy/types";

/**
 * What the rules know about a stack beyond its JSON, from config and the stack catalog:
 * environments are permanent platforms (their `-addons` stacks too), calendar events are
 * ephemeral, anything else (control, tfc, event-edge, or a stack the catalog does not know) is a
 * permanent shared stack. The environment events sync into is "prod".
 */
export function policyContext(config: Config, stackId: string, catalog: StackCatalog = stackCatalog(config)): PolicyContext {
  const syncTo = config.events.platform.syncTo;
  const entry = catalog.find(stackId);
  const environment = entry?.type === "platform" || entry?.type === "addons" ? config.environments[entry.environment] : undefined;
  if (entry && environment) {
    return { stackId, kind: "platform", lifetime: "permanent", prod: entry.environment === syncTo, syncTo, highAvailability: environment.highAvailability };
  }
  if (entry?.type === "event") {
    return { stackId, kind: "event", lifetime: "ephemeral", prod: false, syncTo, highAvailability: config.events.platform.highAvailability };
  }
  return { stackId, kind: "shared", lifetime: "permanent", prod: false, syncTo, highAvailability: false };
}

/** The policy pack's inputs for a configuration: each stack's context and the configured suppressions. */
export function policyInputs(config: Config): PolicyInputs {
  const catalog = stackCatalog(config);
  return { contextOf: (stackId) => policyContext(config, stackId, catalog), suppressions: config.policy.suppressions };
}
