import { RunRoleSuffix } from "../../../core/naming";
import { compliant, nonCompliant } from "../../check";
import { refersTo, resourcesOf, stringList, type TfResource } from "../../terraform";
import type { Rule } from "../../types";

/** AWS managed policies that make a role an administrator whatever else it carries. */
const ADMIN_MANAGED_POLICIES = /^arn:[a-z-]+:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

const RUN_ROLE_NAME = new RegExp(`-(${RunRoleSuffix.plan}|${RunRoleSuffix.apply})$`);

/**
 * No Terraform Cloud run role (`*-tfc-plan`, `*-tfc-apply`) carries AdministratorAccess,
 * PowerUserAccess or IAMFullAccess, whether attached (`project.terraformCloud.runRolePolicyArns`)
 * or in `managed_policy_arns`. Other roles are IAM-NO-WILDCARD-ADMIN's.
 */
export const IamRoleTerraformRunNotAdministrator: Rule = (json) => {
  const runRoles = resourcesOf(json, "aws_iam_role").filter((r) => typeof r.config.name === "string" && RUN_ROLE_NAME.test(r.config.name));
  const isRunRole = (value: unknown) => runRoles.some((role) => refersTo(value, role.address) || value === role.config.name);
  const attachments = resourcesOf(json, "aws_iam_role_policy_attachment").filter((a) => isRunRole(a.config.role));
  return [
    ...runRoles.map((role) => {
      const admin = stringList(role.config.managed_policy_arns).filter((arn) => ADMIN_MANAGED_POLICIES.test(arn));
      return admin.length > 0 ? nonCompliant(role, `run role ${String(role.config.name)} has ${admin.join(", ")} in managed_policy_arns`) : compliant(role, "no administrator policy");
    }),
    ...attachments.map((a: TfResource) => {
      const arn = a.config.policy_arn;
      return typeof arn === "string" && ADMIN_MANAGED_POLICIES.test(arn)
        ? nonCompliant(a, `attaches ${arn} to a Terraform Cloud run role`)
        : compliant(a, "not an administrator policy");
    }),
  ];
};
