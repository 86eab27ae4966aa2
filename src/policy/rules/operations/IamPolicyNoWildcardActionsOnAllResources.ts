import { compliant, nonCompliant } from "../../check";
import { blocks, isExpression, isObject, parseJsonAttribute, resourcesOf, stringList, type TfResource } from "../../terraform";
import type { Rule, RuleResult } from "../../types";

/** AWS managed policies that grant (nearly) everything on everything. */
const ADMIN_MANAGED_POLICIES = /^arn:[a-z-]+:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;

/**
 * No identity policy allows a whole-service (`s3:*`) or total (`*`) action, or `NotAction`, on
 * every resource (`*`); no role, user or group gets AdministratorAccess or PowerUserAccess.
 * Narrow wildcards (`logs:Describe*`) and wildcards on named resources are fine.
 */
export const IamPolicyNoWildcardActionsOnAllResources: Rule = (json) => [
  ...resourcesOf(json, "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy").map((r) => checkDocument(r, r.config.policy, "policy")),
  ...resourcesOf(json, "aws_iam_role").map((role) => {
    const problems = blocks(role.config.inline_policy).map((p, i) => checkDocument(role, p.policy, `inline_policy[${i}]`)).filter((res) => res.status === "non_compliant");
    const admin = stringList(role.config.managed_policy_arns).filter((arn) => ADMIN_MANAGED_POLICIES.test(arn));
    const messages = [...problems.map((p) => p.message), ...admin.map((arn) => `managed_policy_arns includes ${arn}`)];
    return messages.length > 0 ? nonCompliant(role, messages.join("; ")) : compliant(role, "no wildcard administrative access");
  }),
  ...resourcesOf(json, "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment").map((a) => {
    const arn = a.config.policy_arn;
    return typeof arn === "string" && ADMIN_MANAGED_POLICIES.test(arn) ? nonCompliant(a, `attaches ${arn}`) : compliant(a, "not an administrator policy");
  }),
];

function checkDocument(resource: TfResource, document: unknown, what: string): RuleResult {
  const parsed = parseJsonAttribute(document, what);
  if (!parsed.ok) return nonCompliant(resource, `${parsed.reason} (use policyDocument() from modules/security)`);
  const doc = parsed.value;
  const statements = isObject(doc) ? (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) : [];
  const problems = statements.filter(isObject).flatMap((s, i) => {
    if (s.Effect === "Deny") return [];
    const onEverything = stringList(s.Resource).includes("*") || s.NotResource !== undefined;
    if (!onEverything) return [];
    if (s.NotAction !== undefined) return [`${what} statement ${String(s.Sid ?? i)} allows NotAction on all resources`];
    const wild = stringList(s.Action).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
    return wild.length > 0 ? [`${what} statement ${String(s.Sid ?? i)} allows ${wild.join(", ")} on all resources`] : [];
  });
  if (problems.length > 0) return nonCompliant(resource, problems.join("; "));
  return compliant(resource, isExpression(document) ? "no wildcard administrative statements (references inside)" : "no wildcard administrative statements");
}
