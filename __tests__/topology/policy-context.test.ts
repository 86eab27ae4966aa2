import { describe, expect, it } from "vitest";
import { policyContext, policyInputs } from "../../src/topology/policy-context";
import { configWith } from "../helpers/config";

describe("policyContext", () => {
  const config = configWith();
  it.each<[string, object]>([
    ["prod", { kind: "platform", lifetime: "permanent", prod: true, highAvailability: true }],
    ["prod-addons", { kind: "platform", lifetime: "permanent", prod: true }],
    ["dev", { kind: "platform", lifetime: "permanent", prod: false, highAvailability: false }],
    ["event-xmas-mega-sale", { kind: "event", lifetime: "ephemeral", prod: false, highAvailability: true }],
    ["event-edge", { kind: "shared", lifetime: "permanent", prod: false }],
    ["control", { kind: "shared", lifetime: "permanent", prod: false }],
  ])("%s", (stackId, expected) => {
    expect(policyContext(config, stackId)).toMatchObject({ stackId, syncTo: "prod", ...expected });
  });
});

describe("policyInputs", () => {
  it("gives the pack each stack's context and the configured suppressions", () => {
    const config = configWith((c) => (c.policy = { suppressions: [{ kind: "event", rule: "REDIS-SNAPSHOTS", reason: "cache rebuilt" }] }));
    const inputs = policyInputs(config);
    expect(inputs.suppressions).toEqual(config.policy.suppressions);
    expect(inputs.contextOf("dev")).toEqual(policyContext(config, "dev"));
  });
});
