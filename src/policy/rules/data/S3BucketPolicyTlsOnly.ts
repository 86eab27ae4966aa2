import { compliant, nonCompliant } from "../../check";
import { isObject, parseJsonAttribute, resourcesOf, stringList } from "../../terraform";
import type { Rule } from "../../types";
import { bucketPartners } from "./s3";

/** Every bucket's policy denies requests that do not use TLS (`aws:SecureTransport` false). */
export const S3BucketPolicyTlsOnly: Rule = (json) =>
  resourcesOf(json, "aws_s3_bucket").map((bucket) => {
    const policies = bucketPartners(json, "aws_s3_bucket_policy", bucket);
    if (policies.length === 0) return nonCompliant(bucket, "no aws_s3_bucket_policy for this bucket, so plain-HTTP requests are allowed");
    const policy = policies[0]!;
    const parsed = parseJsonAttribute(policy.config.policy, `${policy.address} policy`);
    if (!parsed.ok) return nonCompliant(bucket, parsed.reason);
    const statements = isObject(parsed.value) ? (Array.isArray(parsed.value.Statement) ? parsed.value.Statement : [parsed.value.Statement]) : [];
    return statements.some(deniesInsecureTransport)
      ? compliant(bucket, `${policy.address} denies requests without TLS`)
      : nonCompliant(bucket, `${policy.address} has no Deny statement for all principals and s3:* on aws:SecureTransport = false`);
  });

function deniesInsecureTransport(statement: unknown): boolean {
  if (!isObject(statement) || statement.Effect !== "Deny") return false;
  const principal = statement.Principal;
  const everyone = principal === "*" || (isObject(principal) && stringList(principal.AWS).includes("*"));
  const actions = stringList(statement.Action);
  const allActions = actions.includes("*") || actions.includes("s3:*");
  const condition = isObject(statement.Condition) ? statement.Condition.Bool : undefined;
  const secure = isObject(condition) ? condition["aws:SecureTransport"] : undefined;
  const onInsecure = secure === false || stringList(secure).includes("false");
  return everyone && allActions && onInsecure;
}
