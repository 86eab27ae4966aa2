import type { ConfigInput } from "./schema";

/**
 * Policy-pack settings. `suppressions` silence a rule for whole stacks (by id pattern or kind),
 * each with a written reason that every report prints. Suppress one resource in code instead, next
 * to it: `suppress(resource, "RULE-ID", "reason")` from src/policy/suppress.ts.
 */
export const policy: NonNullable<ConfigInput["policy"]> = {
  suppressions: [],
};
