import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import type { Config } from "../../src/config";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { configWith, eventsInOwnAccount } from "../helpers/config";
import { listOf, synthJson } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

function platformJson(config: Config, env: string) {
  return synthJson(buildApp(config, { clock: fixtureClock }).platforms[env]!);
}

const roleNames = (json: ReturnType<typeof platformJson>) =>
  listOf(json, "aws_iam_role")
    .map((r) => String(r.name))
    .filter((n) => n.endsWith("-tfc-apply"))
    .sort();

describe("Terraform Cloud workload identity in the platform stacks", () => {
  const config = fixtureConfig();
  const catalog = stackCatalog(config);

  it("creates the OIDC provider once in each account, on its first environment", () => {
    expect(listOf(platformJson(config, "prod"), "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(listOf(platformJson(config, "dev"), "aws_iam_openid_connect_provider")).toHaveLength(1);
  });

  it("creates in prod's account the run roles of every workspace applying there, events included", () => {
    expect(roleNames(platformJson(config, "prod"))).toEqual(catalog.runRolesIn("210987654321").map((s) => s.runRole!.apply.name).sort());
    expect(roleNames(platformJson(config, "prod"))).toContain("flashcrowd-event-xmas-mega-sale-tfc-apply");
  });

  it("creates in dev's account only dev's run roles", () => {
    expect(roleNames(platformJson(config, "dev"))).toEqual(["flashcrowd-dev-addons-tfc-apply", "flashcrowd-dev-tfc-apply"]);
  });

  it("leaves a second environment in the same account to the first one", () => {
    const shared = configWith((c) => {
      c.environments.dev!.account = c.environments.prod!.account;
      c.environments.dev!.ecr.ownsRegistryReplication = false; // one registry replication per account
    });
    expect(listOf(platformJson(shared, "dev"), "aws_iam_openid_connect_provider")).toEqual([]);
    expect(roleNames(platformJson(shared, "prod"))).toContain("flashcrowd-dev-tfc-apply");
  });

  it("leaves an events account of its own to event-edge, whose account no platform stack touches", () => {
    const separate = configWith((c) => eventsInOwnAccount(c));
    const prodRoles = roleNames(platformJson(separate, "prod"));
    expect(prodRoles).toEqual(["flashcrowd-prod-addons-tfc-apply", "flashcrowd-prod-tfc-apply"]);
    expect(stackCatalog(separate).identityHostOf("510987654321")).toBe("event-edge");
  });

  it("makes the add-ons apply role cluster admin and the add-ons plan role a viewer, each entry waiting for its role", () => {
    const json = platformJson(config, "prod");
    const roles = Object.entries(json.resource!.aws_iam_role!);
    const refTo = (name: string) => `\${aws_iam_role.${roles.find(([, r]) => r.name === name)![0]}.arn}`;
    const entryNames = Object.entries(json.resource!.aws_eks_access_entry!);
    const policyOf = (principal: string) => {
      const [entry] = entryNames.find(([, e]) => e.principal_arn === principal)!;
      return listOf(json, "aws_eks_access_policy_association").find((a) => a.principal_arn === `\${aws_eks_access_entry.${entry}.principal_arn}`)?.policy_arn;
    };
    const entries = entryNames.map(([, e]) => String(e.principal_arn));
    const apply = refTo("flashcrowd-prod-addons-tfc-apply");
    const plan = refTo("flashcrowd-prod-addons-tfc-plan");
    expect(entries).toEqual(expect.arrayContaining([apply, plan]));
    expect(policyOf(apply)).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    expect(policyOf(plan)).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy");
  });
});
