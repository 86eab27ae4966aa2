/**
 * Over every synthesized stack (the fixture config, and with the events in an account of
 * their own): no role is an administrator, every role carries its account's permissions boundary,
 * and every role is one the apply roles are allowed to manage.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { boundaryPolicyArn, boundaryPolicyName, type IamPolicyDocument, type IamStatement } from "../../src/topology/run-role-policies";
import { globMatch } from "../../src/policy/terraform";
import { stacksIn, synthApp } from "../helpers/app";
import { configWith, eventsInOwnAccount } from "../helpers/config";
import { listOf, parseJsonAttribute, type TerraformJson } from "../helpers/synth";
import { fixtureConfig } from "../helpers/fixture-config";

interface Variant {
  readonly name: string;
  readonly config: Config;
  stacks: Map<string, TerraformJson>;
}

const variants: Variant[] = [
  { name: "the fixture config", config: fixtureConfig(), stacks: new Map() },
  { name: "events in an account of their own", config: configWith((c) => eventsInOwnAccount(c)), stacks: new Map() },
];
beforeAll(() => {
  for (const v of variants) v.stacks = stacksIn(synthApp(v.config));
}, 180_000);

const ADMIN = /:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;
const accountOf = (json: TerraformJson) => (json.provider!.aws![0]!.allowed_account_ids as string[])[0]!;
const awsStacks = (v: Variant) => [...v.stacks].filter(([, json]) => json.provider?.aws);

/** Allow statements granting every action on every resource. */
function allowsEverything(document: IamPolicyDocument): IamStatement[] {
  return document.Statement.filter((s) => s.Effect === "Allow" && [s.Action ?? []].flat().includes("*") && [s.Resource ?? []].flat().includes("*"));
}

describe.each(variants.map((v) => [v.name, v] as const))("with %s", (_name, v) => {
  it("no role has AdministratorAccess or PowerUserAccess, attached or in managed_policy_arns", () => {
    const found: string[] = [];
    for (const [id, json] of v.stacks) {
      for (const a of listOf(json, "aws_iam_role_policy_attachment")) if (ADMIN.test(String(a.policy_arn))) found.push(`${id}: ${String(a.policy_arn)}`);
      for (const r of listOf(json, "aws_iam_role")) for (const arn of (r.managed_policy_arns as string[] | undefined) ?? []) if (ADMIN.test(arn)) found.push(`${id}: ${String(r.name)}`);
    }
    expect(found).toEqual([]);
  });

  it('no role\'s own policy allows "Action": "*" on "Resource": "*"', () => {
    const found: string[] = [];
    for (const [id, json] of v.stacks) {
      for (const p of listOf(json, "aws_iam_role_policy")) if (allowsEverything(parseJsonAttribute(p.policy)).length > 0) found.push(`${id}: ${String(p.name)}`);
      for (const r of listOf(json, "aws_iam_role")) {
        for (const inline of [r.inline_policy ?? []].flat() as { policy?: string }[]) {
          if (inline.policy && allowsEverything(parseJsonAttribute(inline.policy)).length > 0) found.push(`${id}: ${String(r.name)} inline`);
        }
      }
      // A managed policy of the stack attached to a role counts as the role's; the boundary is never attached.
      const policies = json.resource?.aws_iam_policy ?? {};
      for (const a of listOf(json, "aws_iam_role_policy_attachment")) {
        const local = Object.entries(policies).find(([name]) => String(a.policy_arn).includes(`aws_iam_policy.${name}.`));
        if (local && allowsEverything(parseJsonAttribute(local[1].policy)).length > 0) found.push(`${id}: attaches ${local[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("every role carries its account's permissions boundary; in the stack creating it, after it exists", () => {
    const problems: string[] = [];
    let roles = 0;
    for (const [id, json] of awsStacks(v)) {
      const boundary = boundaryPolicyArn(v.config.project.name, accountOf(json));
      const local = Object.entries(json.resource?.aws_iam_policy ?? {}).find(([, p]) => p.name === boundaryPolicyName(v.config.project.name));
      for (const [name, role] of Object.entries(json.resource?.aws_iam_role ?? {})) {
        roles++;
        const value = String(role.permissions_boundary);
        const byReference = local !== undefined && value === `\${aws_iam_policy.${local[0]}.arn}`;
        if (value !== boundary && !byReference) problems.push(`${id}/${name}: ${value}`);
        if (local && !byReference && !((role.depends_on as string[] | undefined) ?? []).includes(`aws_iam_policy.${local[0]}`)) {
          problems.push(`${id}/${name}: does not wait for the boundary policy`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(roles).toBeGreaterThan(50);
  });

  it("creates the boundary once per account, in the account's identity host", () => {
    const catalog = stackCatalog(v.config);
    const creators = awsStacks(v)
      .filter(([, json]) => listOf(json, "aws_iam_policy").some((p) => p.name === boundaryPolicyName(v.config.project.name)))
      .map(([id]) => id)
      .sort();
    expect(creators).toEqual([...new Set(catalog.identityHosts().values())].sort());
  });

  it("names every role and instance profile so that the apply roles may manage it (the project's prefix, or DMS's fixed names)", () => {
    const project = v.config.project.name;
    const outside: string[] = [];
    for (const [id, json] of awsStacks(v)) {
      for (const r of listOf(json, "aws_iam_role")) {
        const name = String(r.name);
        if (!globMatch(`${project}-*`, name) && !["dms-vpc-role", "dms-cloudwatch-logs-role"].includes(name)) outside.push(`${id}: role ${name}`);
      }
      for (const p of listOf(json, "aws_iam_instance_profile")) if (!globMatch(`${project}-*`, String(p.name))) outside.push(`${id}: instance profile ${String(p.name)}`);
    }
    expect(outside).toEqual([]);
  });
});

describe("run roles in numbers", () => {
  it("two per AWS workspace: a plan role and an apply role", () => {
    const v = variants[0]!;
    const workspaces = stackCatalog(v.config).stacks.filter((s) => s.runRole).length;
    const runRoles = awsStacks(v).flatMap(([, json]) => listOf(json, "aws_iam_role").map((r) => String(r.name)).filter((n) => /-tfc-(plan|apply)$/.test(n)));
    expect(workspaces).toBe(8);
    expect(runRoles).toHaveLength(2 * workspaces);
  });
});
