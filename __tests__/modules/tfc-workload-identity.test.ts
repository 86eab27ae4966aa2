import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TfcWorkloadIdentity, type TfcWorkloadIdentityProps } from "../../modules/security/tfc-workload-identity";
import type { IamPolicyDocument } from "../../modules/security/policy-document";
import { listOf, parseJsonAttribute, synthJson } from "../helpers/synth";

const CUSTOM = "arn:aws:iam::123456789012:policy/iam-for-events";
const APPLY: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "Ec2", Effect: "Allow", Action: "ec2:*", Resource: "*" }] };
const PLAN: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "NoData", Effect: "Deny", Action: "s3:GetObject", Resource: "*" }] };
const BOUNDARY: IamPolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }] };

const baseProps: TfcWorkloadIdentityProps = {
  hostname: "app.terraform.io",
  organization: "acme",
  project: "shop",
  roles: [
    { workspace: "shop-prod", planRoleName: "shop-prod-tfc-plan", applyRoleName: "shop-prod-tfc-apply", planPolicy: PLAN, applyPolicy: APPLY },
    { workspace: "shop-event-x", planRoleName: "shop-event-x-tfc-plan", applyRoleName: "shop-event-x-tfc-apply", applyPolicy: APPLY, applyPolicyArns: [CUSTOM] },
  ],
};

function synth(props: Partial<TfcWorkloadIdentityProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new TfcWorkloadIdentity(stack, "identity", { ...baseProps, ...props });
  return synthJson(stack);
}

interface TrustPolicy {
  Statement: { Effect: string; Principal: { Federated: string }; Action: string; Condition: Record<string, Record<string, string>> }[];
}

const roleNamed = (json: ReturnType<typeof synth>, roleName: string) => listOf(json, "aws_iam_role").find((r) => r.name === roleName)!;
const trustOf = (json: ReturnType<typeof synth>, roleName: string): TrustPolicy => parseJsonAttribute<TrustPolicy>(roleNamed(json, roleName).assume_role_policy);
/** `role-ref policy` lines for the role policy resources of a type, the role given by its construct id. */
const policiesOf = (json: ReturnType<typeof synth>, type: string, attribute: string) =>
  listOf(json, type).map((p) => `${String(p.role).replace(/^\$\{aws_iam_role\.identity_(.*?)_[0-9A-F]{8}\.name\}$/, "$1")} ${String(p[attribute])}`).sort();

describe("TfcWorkloadIdentity", () => {
  it("creates one OIDC provider for Terraform Cloud with its audience", () => {
    const providers = listOf(synth(), "aws_iam_openid_connect_provider");
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ url: "https://app.terraform.io", client_id_list: ["aws.workload.identity"] });
  });

  it("looks nothing up at plan time: no thumbprint and no data source by default", () => {
    const json = synth();
    expect(listOf(json, "aws_iam_openid_connect_provider")[0]!.thumbprint_list).toBeUndefined();
    expect(json.data).toBeUndefined();
  });

  it("takes explicit thumbprints when given", () => {
    const json = synth({ thumbprints: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"] });
    expect(listOf(json, "aws_iam_openid_connect_provider")[0]!.thumbprint_list).toEqual(["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]);
  });

  it("creates a plan role and an apply role per workspace", () => {
    expect(listOf(synth(), "aws_iam_role").map((r) => r.name).sort()).toEqual([
      "shop-event-x-tfc-apply",
      "shop-event-x-tfc-plan",
      "shop-prod-tfc-apply",
      "shop-prod-tfc-plan",
    ]);
  });

  it.each([
    ["shop-event-x-tfc-plan", "plan", "TerraformCloudPlansOfOneWorkspace"],
    ["shop-event-x-tfc-apply", "apply", "TerraformCloudAppliesOfOneWorkspace"],
  ])("lets only runs of that workspace in that run phase assume %s", (roleName, phase, sid) => {
    const [statement, ...others] = trustOf(synth(), roleName).Statement;
    expect(others).toEqual([]);
    expect(statement).toEqual({
      Sid: sid,
      Effect: "Allow",
      Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.[A-Za-z0-9_-]+\.arn\}$/) },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "app.terraform.io:aud": "aws.workload.identity",
          "app.terraform.io:sub": `organization:acme:project:shop:workspace:shop-event-x:run_phase:${phase}`,
        },
      },
    });
  });

  it("uses the host name of a Terraform Enterprise install in the claims", () => {
    const trust = trustOf(synth({ hostname: "tfe.example.com", audience: "shop.aws" }), "shop-prod-tfc-apply");
    expect(trust.Statement[0]!.Condition.StringEquals).toEqual({
      "tfe.example.com:aud": "shop.aws",
      "tfe.example.com:sub": "organization:acme:project:shop:workspace:shop-prod:run_phase:apply",
    });
  });

  it("gives plan roles ReadOnlyAccess and apply roles only the extra policies configured", () => {
    expect(policiesOf(synth(), "aws_iam_role_policy_attachment", "policy_arn")).toEqual([
      `shop-event-x_apply-role ${CUSTOM}`,
      "shop-event-x_plan-role arn:aws:iam::aws:policy/ReadOnlyAccess",
      "shop-prod_plan-role arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
  });

  it("writes the plan Deny and the apply policy as inline policies of their roles", () => {
    const json = synth();
    const inline = listOf(json, "aws_iam_role_policy");
    expect(policiesOf(json, "aws_iam_role_policy", "name")).toEqual([
      "shop-event-x_apply-role bounded-apply",
      "shop-prod_apply-role bounded-apply",
      "shop-prod_plan-role no-data-reads",
    ]);
    expect(inline.map((p) => parseJsonAttribute(p.policy))).toEqual(expect.arrayContaining([APPLY, PLAN]));
  });

  it("creates the boundary policy when given one, puts it on every run role and keeps it from being destroyed", () => {
    const json = synth({ boundary: { name: "shop-run-boundary", document: BOUNDARY } });
    const [policy, ...others] = listOf(json, "aws_iam_policy");
    expect(others).toEqual([]);
    expect(policy).toMatchObject({ name: "shop-run-boundary", lifecycle: { prevent_destroy: true } });
    expect(parseJsonAttribute(policy!.policy)).toEqual(BOUNDARY);
    for (const role of listOf(json, "aws_iam_role")) expect(role.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.identity_boundary_[0-9A-F]{8}\.arn\}$/);
  });

  it("creates no boundary and sets none without one", () => {
    const json = synth();
    expect(listOf(json, "aws_iam_policy")).toEqual([]);
    for (const role of listOf(json, "aws_iam_role")) expect(role.permissions_boundary).toBeUndefined();
  });

  it.each([
    ["a workspace listed twice", { roles: [baseProps.roles[0]!, baseProps.roles[0]!] }, 'workspace "shop-prod" is listed twice'],
    [
      "one role for both phases",
      { roles: [{ workspace: "w", planRoleName: "r", applyRoleName: "r", applyPolicy: APPLY }] },
      'workspace "w" has one name for its plan and apply roles',
    ],
  ])("rejects %s", (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
