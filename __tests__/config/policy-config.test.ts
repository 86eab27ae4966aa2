import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config";
import { configWith, problemsOf } from "../helpers/config";
import { fixtureConfig } from "../helpers/fixture-config";


const suppressions = (c: ConfigInput) => {
  c.policy ??= { suppressions: [] };
  c.policy.suppressions ??= [];
  return c.policy.suppressions;
};

describe("policy and high-availability configuration", () => {
  it("defaults to no suppressions and HA everywhere except dev", () => {
    const config = fixtureConfig();
    expect(config.policy.suppressions).toEqual([]);
    expect(config.environments.prod!.highAvailability).toBe(true);
    expect(config.environments.dev!.highAvailability).toBe(false);
    expect(config.events.platform.highAvailability).toBe(true);
  });

  it("accepts a suppression for event stacks with a reason", () => {
    const config = configWith((c) => suppressions(c).push({ stacks: "event-*", rule: "REDIS-SNAPSHOTS", reason: "the waiting-room cache is rebuilt at spin-up" }));
    expect(config.policy.suppressions).toEqual([{ stacks: "event-*", rule: "REDIS-SNAPSHOTS", reason: "the waiting-room cache is rebuilt at spin-up" }]);
  });

  it("takes highAvailability as true when an environment leaves it out", () => {
    const config = configWith((c) => delete c.environments.prod!.highAvailability);
    expect(config.environments.prod!.highAvailability).toBe(true);
  });

  it.each<[string, (c: ConfigInput) => void, string]>([
    [
      "an unknown rule id",
      (c) => suppressions(c).push({ kind: "event", rule: "RDS-DELETION-PROTECT", reason: "ephemeral" }),
      'policy.suppressions[0].rule: unknown policy rule "RDS-DELETION-PROTECT" (did you mean RDS-DELETION-PROTECTION?)',
    ],
    ["an empty reason", (c) => suppressions(c).push({ kind: "event", rule: "REDIS-SNAPSHOTS", reason: "  " }), "policy.suppressions[0].reason: must say why the rule does not apply there"],
    ["no stacks and no kind", (c) => suppressions(c).push({ rule: "REDIS-SNAPSHOTS", reason: "cache" }), 'policy.suppressions[0]: needs "stacks"'],
    ["a stack pattern with a regex", (c) => suppressions(c).push({ stacks: "event-.+", rule: "REDIS-SNAPSHOTS", reason: "cache" }), "policy.suppressions[0].stacks: must be a stack id pattern"],
    [
      "an unknown kind",
      (c) => suppressions(c).push({ kind: "ephemeral" as "event", rule: "REDIS-SNAPSHOTS", reason: "cache" }),
      'policy.suppressions[0].kind: must be "platform", "event" or "shared"',
    ],
    [
      "HA with a single NAT gateway in an environment",
      (c) => (c.environments.prod!.network.natGateways = "single"),
      "environments.prod.network.natGateways: \"single\" puts every AZ's egress in one AZ while highAvailability is true",
    ],
    [
      "HA with a single NAT gateway for events",
      (c) => (c.events.platform.network.natGateways = "single"),
      "events.platform.network.natGateways: \"single\" puts every AZ's egress in one AZ",
    ],
  ])("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.includes(expected)), `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`).toBe(true);
  });
});
