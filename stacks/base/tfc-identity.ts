import { TfcWorkloadIdentity } from "../../modules/security/tfc-workload-identity";
import { stackCatalog } from "../../src/topology/stack-catalog";
import type { AwsStack } from "./aws-stack";
import { applyPolicy, boundaryPolicy, boundaryPolicyName, planDenyPolicy } from "../../src/topology/run-role-policies";

/**
 * Gives `stack` the Terraform Cloud workload identity of its account (OIDC provider, the
 * permissions boundary, and the plan and apply roles of every workspace applying into the
 * account) when the stack catalog names it the account's host; returns undefined otherwise. Role
 * names come from the catalog, the same place the `tfc` stack computes `TFC_AWS_PLAN_ROLE_ARN`
 * and `TFC_AWS_APPLY_ROLE_ARN` from, so the two always agree.
 */
export function attachTfcWorkloadIdentity(stack: AwsStack): TfcWorkloadIdentity | undefined {
  const catalog = stackCatalog(stack.config);
  const account = stack.target.account;
  const host = catalog.identityHostOf(account);
  if (host !== stack.naming.stack) return undefined;
  const tfc = stack.config.project.terraformCloud;
  const project = stack.config.project.name;
  const identity = new TfcWorkloadIdentity(stack, "tfc-workload-identity", {
    hostname: tfc.hostname,
    organization: tfc.organization,
    project: tfc.project,
    boundary: { name: boundaryPolicyName(project), document: boundaryPolicy(project, account) },
    roles: catalog.runRolesIn(account).map((s) => {
      const role = s.runRole!;
      return {
        workspace: s.workspace,
        planRoleName: role.plan.name,
        applyRoleName: role.apply.name,
        planPolicy: planDenyPolicy(role.kind, project),
        applyPolicy: applyPolicy({
          project,
          account,
          kind: role.kind,
          hostname: tfc.hostname,
          identityHost: s.id === host,
          planRoleName: role.plan.name,
          applyRoleName: role.apply.name,
          ...(s.event ? { event: s.event.slug } : {}),
        }),
        applyPolicyArns: role.policyArns,
      };
    }),
  });
  stack.permissionsBoundary.createdBy(identity.boundary!);
  return identity;
}
