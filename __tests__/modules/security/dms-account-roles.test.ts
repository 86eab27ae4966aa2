import { describe, expect, it } from "vitest";
import { DmsAccountRoles } from "../../../modules/security/dms-account-roles";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";
import { moduleStack, type PolicyJson } from "../../helpers/stack";

describe("DmsAccountRoles", () => {
  const { stack } = moduleStack();
  new DmsAccountRoles(stack, "dms");
  const json = synthJson(stack);
  const roles = Object.fromEntries(listOf(json, "aws_iam_role").map((r) => [r.name as string, r]));

  it("creates the two roles under the names DMS looks up", () => {
    expect(Object.keys(roles).sort()).toEqual(["dms-cloudwatch-logs-role", "dms-vpc-role"]);
  });

  it("lets DMS assume them with a plain service trust", () => {
    for (const role of Object.values(roles)) {
      expect(parseJsonAttribute<PolicyJson>(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "dms.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("attaches the DMS managed policies", () => {
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn).sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole",
      "arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
    ]);
  });
});
