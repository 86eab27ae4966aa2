import { TfcWorkloadIdentity } from "../../modules/security/tfc-workload-identity";
import { stackCatalog } from "../config/stack-catalog";
import type { AwsStack } from "./aws-stack";

/**
 * Gives `stack` the Terraform Cloud workload identity of its account (OIDC provider and one run
 * role per workspace applying into the account) when the stack catalog names it the account's
 * host; returns undefined otherwise. Role names come from the catalog, the same place the `tfc`
 * stack computes `TFC_AWS_RUN_ROLE_ARN` from, so the two always agree.
 */
export function attachTfcWorkloadIdentity(stack: AwsStack): TfcWorkloadIdentity | undefined {
  const catalog = stackCatalog(stack.config);
  const account = stack.target.account;
  if (catalog.identityHostOf(account) !== stack.naming.stack) return undefined;
  const tfc = stack.config.project.terraformCloud;
  return new TfcWorkloadIdentity(stack, "tfc-workload-identity", {
    hostname: tfc.hostname,
    organization: tfc.organization,
    project: tfc.project,
    roles: catalog.runRolesIn(account).map((s) => ({ workspace: s.workspace, roleName: s.runRole!.name, policyArns: s.runRole!.policyArns })),
  });
}
