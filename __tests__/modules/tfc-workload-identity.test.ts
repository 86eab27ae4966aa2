import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { TfcWorkloadIdentity, type TfcWorkloadIdentityProps } from "../../modules/security/tfc-workload-identity";
import { listOf, parseJsonAttribute, synthJson } from "../helpers/synth";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess";
const CUSTOM = "arn:aws:iam::123456789012:policy/iam-for-events";

const baseProps: TfcWorkloadIdentityProps = {
  hostname: "app.terraform.io",
  organization: "acme",
  project: "shop",
  roles: [
    { workspace: "shop-prod", roleName: "shop-prod-tfc-run", policyArns: [ADMIN] },
    { workspace: "shop-event-x", roleName: "shop-event-x-tfc-run", policyArns: [POWER_USER, CUSTOM] },
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

const trustOf = (json: ReturnType<typeof synth>, roleName: string): TrustPolicy =>
  parseJsonAttribute<TrustPolicy>(listOf(json, "aws_iam_role").find((r) => r.name === roleName)!.assume_role_policy);

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

  it("creates one role per workspace", () => {
    expect(listOf(synth(), "aws_iam_role").map((r) => r.name).sort()).toEqual(["shop-event-x-tfc-run", "shop-prod-tfc-run"]);
  });

  it("lets only runs of that workspace, project and organization assume a role", () => {
    const [statement, ...others] = trustOf(synth(), "shop-event-x-tfc-run").Statement;
    expect(others).toEqual([]);
    expect(statement).toEqual({
      Sid: "TerraformCloudRunsOfOneWorkspace",
      Effect: "Allow",
      Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.[A-Za-z0-9_-]+\.arn\}$/) },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
        StringLike: { "app.terraform.io:sub": "organization:acme:project:shop:workspace:shop-event-x:run_phase:*" },
      },
    });
  });

  it("uses the host name of a Terraform Enterprise install in the claims", () => {
    const trust = trustOf(synth({ hostname: "tfe.example.com", audience: "shop.aws" }), "shop-prod-tfc-run");
    expect(Object.keys(trust.Statement[0]!.Condition.StringEquals!)).toEqual(["tfe.example.com:aud"]);
    expect(trust.Statement[0]!.Condition.StringEquals!["tfe.example.com:aud"]).toBe("shop.aws");
    expect(Object.keys(trust.Statement[0]!.Condition.StringLike!)).toEqual(["tfe.example.com:sub"]);
  });

  it("attaches each role's managed policies, and only those", () => {
    const attachments = listOf(synth(), "aws_iam_role_policy_attachment")
      .map((a) => `${String(a.role).includes("shop-prod") ? "prod" : "event-x"} ${String(a.policy_arn)}`)
      .sort();
    expect(attachments).toEqual([`event-x ${CUSTOM}`, `event-x ${POWER_USER}`, `prod ${ADMIN}`]);
  });

  it("puts a permissions boundary on every role when given one", () => {
    const boundary = "arn:aws:iam::123456789012:policy/boundary";
    for (const role of listOf(synth({ permissionsBoundaryArn: boundary }), "aws_iam_role")) expect(role.permissions_boundary).toBe(boundary);
    for (const role of listOf(synth(), "aws_iam_role")) expect(role.permissions_boundary).toBeUndefined();
  });

  it.each([
    ["a workspace listed twice", { roles: [baseProps.roles[0]!, baseProps.roles[0]!] }, 'workspace "shop-prod" is listed twice'],
    ["a role without policies", { roles: [{ workspace: "w", roleName: "r", policyArns: [] }] }, 'the role of "w" has no policy'],
  ])("rejects %s", (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
