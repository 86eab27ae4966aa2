/**
 * IAM policy documents as plain JSON strings. Written literally (not through the
 * `aws_iam_policy_document` data source) so the synthesized Terraform carries the statements
 * themselves, which the policy pack reads.
 */

export type PolicyCondition = Record<string, Record<string, string | readonly string[]>>;

export type PolicyValue = string | readonly string[];

/** One statement of an IAM policy document, in IAM's own JSON shape. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: PolicyValue;
  readonly NotAction?: PolicyValue;
  readonly Resource?: PolicyValue;
  readonly NotResource?: PolicyValue;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, PolicyValue>>>>;
}

/** An IAM policy document in IAM's own JSON shape (written by hand, e.g. the run roles' policies). */
export interface IamPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly IamStatement[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly principals?: { readonly type: "AWS" | "Service" | "Federated" | "*"; readonly identifiers: readonly string[] };
  readonly actions: readonly string[];
  /** Omitted for trust policies. */
  readonly resources?: readonly string[];
  readonly conditions?: PolicyCondition;
}

/** Renders statements as an IAM policy JSON string (tokens inside are resolved by cdktf). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.principals
        ? { Principal: s.principals.type === "*" ? "*" : { [s.principals.type]: unwrap(s.principals.identifiers) } }
        : {}),
      Action: unwrap(s.actions),
      ...(s.resources ? { Resource: unwrap(s.resources) } : {}),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Trust policy letting an AWS service assume a role, scoped to this account. */
export function serviceTrustPolicy(service: string | readonly string[], accountId: string): string {
  return policyDocument([
    {
      principals: { type: "Service", identifiers: typeof service === "string" ? [service] : service },
      actions: ["sts:AssumeRole"],
      conditions: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}

function unwrap(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? values[0]! : values;
}
