/**
 * The IAM policies of the Terraform Cloud run roles, as plain documents (the identity module
 * renders them; tests evaluate them with an IAM policy simulator):
 *
 * - plan roles: AWS managed ReadOnlyAccess, minus reads of data (object bodies, secret values,
 *   decryption, queue messages, table items, log events) through an explicit Deny;
 * - apply roles: the AWS services of their stack kind (run-role-scope.ts), IAM only for roles that
 *   carry the project's permissions boundary, never the run roles or the boundary themselves; an
 *   event's apply role cannot touch resources tagged with another event;
 * - the permissions boundary every role of the stacks carries: a ceiling of everything except the
 *   IAM, Organizations and account actions through which a role escalates.
 */
import type { RunRoleKind } from "../config/schema";
import { DMS_CLOUDWATCH_LOGS_ROLE_NAME, DMS_VPC_ROLE_NAME } from "../../modules/security/dms-account-roles";
import { Naming, RunRoleSuffix, StackIds } from "../core/naming";
import type { IamPolicyDocument, IamStatement } from "../../modules/security/policy-document";
import { READ_ONLY_ACCESS } from "../../modules/security/tfc-workload-identity";
import { applyServicesOf, kindCreates } from "./run-role-scope";

// The documents are in the shape the identity module takes them in.
export type { IamPolicyDocument, IamStatement, PolicyValue } from "../../modules/security/policy-document";
export { READ_ONLY_ACCESS };

/** The tag every resource of an event stack carries (AwsStack's `Event` tag = the event's slug). */
export const EVENT_TAG = "Event";

/** Name of the permissions boundary policy: fixed per project, so every stack can compute its ARN. */
export function boundaryPolicyName(project: string): string {
  return `${project}-run-boundary`;
}

/** ARN of the permissions boundary in an account: deterministic, no cross-stack reference needed. */
export function boundaryPolicyArn(project: string, account: string): string {
  return `arn:aws:iam::${account}:policy/${boundaryPolicyName(project)}`;
}

/** Reads of data that ReadOnlyAccess allows and a plan never needs (Terraform refreshes metadata, not contents). */
export const PLAN_DATA_READS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "secretsmanager:GetSecretValue",
  "kms:Decrypt",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "sqs:ReceiveMessage",
  "kinesis:GetRecords",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "ec2:GetPasswordData",
  "rds:DownloadDBLogFilePortion",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
] as const;

/** A data read a kind's plans do need, on named resources only, and why. */
export interface PlanReadException {
  readonly action: (typeof PLAN_DATA_READS)[number];
  /** Resource patterns the read is allowed on (the Deny skips them through NotResource). */
  readonly resources: (project: string) => readonly string[];
  readonly why: string;
}

/** Data reads plans need, by kind. */
export const PLAN_READ_EXCEPTIONS: Readonly<Record<RunRoleKind, readonly PlanReadException[]>> = {
  platform: [],
  addons: [],
  eventEdge: [
    {
      action: "s3:GetObject",
      // The page bucket is `{project}-event-edge-pages-<account>` (stacks/event-edge-stack.ts).
      resources: (project) => [`arn:aws:s3:::${new Naming(project, StackIds.eventEdge).name("pages")}-*/*`],
      why: "the 'sale not open' page is an aws_s3_object; Terraform refreshes it with HeadObject, which IAM authorizes as s3:GetObject",
    },
  ],
  control: [],
  event: [],
};

/** What the policies of one workspace's roles depend on. */
export interface RunRolePolicyContext {
  /** Project name: the prefix of every IAM role and policy the stacks create. */
  readonly project: string;
  readonly account: string;
  readonly kind: RunRoleKind;
  /** Terraform Cloud host; the account's OIDC provider is `oidc-provider/<hostname>`. */
  readonly hostname: string;
  /** The workspace's stack creates the account's OIDC provider, run roles and boundary. */
  readonly identityHost: boolean;
  readonly planRoleName: string;
  readonly applyRoleName: string;
  /** For event stacks: the event's slug, the value of its resources' `Event` tag. */
  readonly event?: string;
}

/** The Deny a plan role carries on top of ReadOnlyAccess. */
export function planDenyPolicy(kind: RunRoleKind, project: string): IamPolicyDocument {
  const exceptions = PLAN_READ_EXCEPTIONS[kind];
  const excepted = new Set<string>(exceptions.map((e) => e.action));
  const statements: IamStatement[] = [
    { Sid: "NoDataReadsInPlans", Effect: "Deny", Action: PLAN_DATA_READS.filter((a) => !excepted.has(a)), Resource: "*" },
    ...exceptions.map((e, i) => ({
      Sid: `NoDataReadsInPlansExceptNeeded${i}`,
      Effect: "Deny" as const,
      Action: e.action,
      NotResource: e.resources(project),
    })),
  ];
  return { Version: "2012-10-17", Statement: statements };
}

/** Roles the stacks create, by ARN pattern: the project's names and the fixed names AWS DMS requires. */
export function projectRoleArns(project: string, account: string): string[] {
  return [`${project}-*`, DMS_VPC_ROLE_NAME, DMS_CLOUDWATCH_LOGS_ROLE_NAME].map((name) => `arn:aws:iam::${account}:role/${name}`);
}

/** ARN patterns of every run role of the project in an account. */
export function runRoleArnPatterns(project: string, account: string): string[] {
  return [RunRoleSuffix.plan, RunRoleSuffix.apply].map((suffix) => `arn:aws:iam::${account}:role/${project}-*-${suffix}`);
}

/** The apply role's own policy. */
export function applyPolicy(ctx: RunRolePolicyContext): IamPolicyDocument {
  const arn = (resource: string) => `arn:aws:iam::${ctx.account}:${resource}`;
  const boundary = boundaryPolicyArn(ctx.project, ctx.account);
  const creates = (type: string) => kindCreates(ctx.kind, type);
  const statements: IamStatement[] = [
    {
      Sid: "ServicesThisKindOfStackCreates",
      Effect: "Allow",
      Action: applyServicesOf(ctx.kind).map((service) => `${service}:*`),
      Resource: "*",
    },
    // Reading IAM is how Terraform refreshes roles and policies; it discloses no data.
    { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
  ];

  if (creates("aws_iam_role")) {
    statements.push(
      {
        // iam:PermissionsBoundary is the boundary of the role being created or changed: a role
        // without the project's boundary can neither be created nor given a policy.
        Sid: "RolesOnlyWithTheProjectBoundary",
        Effect: "Allow",
        Action: [
          "iam:CreateRole",
          "iam:PutRolePermissionsBoundary",
          "iam:AttachRolePolicy",
          "iam:DetachRolePolicy",
          "iam:PutRolePolicy",
          "iam:DeleteRolePolicy",
        ],
        Resource: projectRoleArns(ctx.project, ctx.account),
        Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
      },
      {
        Sid: "ManageTheProjectsRoles",
        Effect: "Allow",
        Action: ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:PassRole"],
        Resource: projectRoleArns(ctx.project, ctx.account),
      },
      {
        // Service-linked roles carry AWS's own fixed permissions (EKS, ElastiCache, load balancing, ...).
        Sid: "ServiceLinkedRoles",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: arn("role/aws-service-role/*"),
      },
    );
  }
  if (creates("aws_iam_instance_profile")) {
    statements.push({
      Sid: "TheProjectsInstanceProfiles",
      Effect: "Allow",
      Action: [
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
      ],
      Resource: arn(`instance-profile/${ctx.project}-*`),
    });
  }
  if (creates("aws_iam_policy")) {
    statements.push({
      Sid: "TheProjectsManagedPolicies",
      Effect: "Allow",
      Action: ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
      Resource: arn(`policy/${ctx.project}-*`),
    });
  }
  if (creates("aws_iam_openid_connect_provider")) {
    statements.push({
      Sid: "TheTerraformCloudOidcProvider",
      Effect: "Allow",
      Action: [
        "iam:CreateOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
      ],
      Resource: arn(`oidc-provider/${ctx.hostname}`),
    });
  }

  // The run roles are the keys to every workspace: a role that could change them, or take one of
  // them on, could give itself any permission. The identity host manages the other workspaces'
  // roles of its account (it creates them), but never its own.
  const protectedIdentity = ctx.identityHost
    ? [arn(`role/${ctx.planRoleName}`), arn(`role/${ctx.applyRoleName}`)]
    : [...runRoleArnPatterns(ctx.project, ctx.account), arn(`oidc-provider/${ctx.hostname}`)];
  statements.push(
    { Sid: "NoChangesToRunRoles", Effect: "Deny", NotAction: ["iam:Get*", "iam:List*"], Resource: protectedIdentity },
    {
      Sid: "NoChangesToTheBoundary",
      Effect: "Deny",
      Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      Resource: boundary,
    },
    { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
  );

  if (ctx.kind === "event") {
    if (!ctx.event) throw new Error(`applyPolicy: the apply role of an event stack needs the event's slug (the value of its ${EVENT_TAG} tag)`);
    statements.push(...eventTagStatements(ctx.event));
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * An event's apply role may act on its own resources and on untagged ones (the peering routes and
 * security group rules it adds to prod), never on another event's: every action on a resource
 * tagged `Event` = another slug is denied, as are creating or tagging a resource for another
 * event and removing the tag. The conditions only bite where the service supports
 * `aws:ResourceTag` / `aws:RequestTag` (docs/least-privilege.md lists the services that do not).
 */
function eventTagStatements(slug: string): IamStatement[] {
  const resourceTag = `aws:ResourceTag/${EVENT_TAG}`;
  const requestTag = `aws:RequestTag/${EVENT_TAG}`;
  return [
    {
      Sid: "NoActionsOnOtherEventsResources",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEquals: { [resourceTag]: slug }, Null: { [resourceTag]: "false" } },
    },
    {
      Sid: "NoResourcesTaggedForOtherEvents",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEquals: { [requestTag]: slug }, Null: { [requestTag]: "false" } },
    },
    {
      // A request naming the Event tag key without a value removes it.
      Sid: "NoRemovingTheEventTag",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": EVENT_TAG }, Null: { [requestTag]: "true" } },
    },
  ];
}

/**
 * Actions through which a role gains more than it was given, or reaches outside the account:
 * IAM users and their credentials, identity providers other than Terraform Cloud's, the account's
 * alias, password policy and Organizations membership.
 */
export const ESCALATION_ACTIONS = [
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:UpdateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:AddUserToGroup",
  "iam:CreateGroup",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
  "iam:CreateServiceSpecificCredential",
  "iam:UploadSSHPublicKey",
  "iam:UploadSigningCertificate",
  "iam:CreateSAMLProvider",
  "iam:UpdateSAMLProvider",
  "iam:CreateAccountAlias",
  "iam:DeleteAccountAlias",
  "iam:UpdateAccountPasswordPolicy",
  "iam:DeleteAccountPasswordPolicy",
  "organizations:*",
  "account:*",
] as const;

/**
 * The permissions boundary of every role the stacks create, run roles included. A boundary grants
 * nothing; it caps what a role's own policies can grant. It is a ceiling of everything (the
 * workloads' roles need their services, and the apply roles need every service of their kind)
 * minus what turns a role into more than it was given:
 *
 * - a role can create or re-bound a role only with this same boundary, and cannot remove a
 *   boundary, so no role the stacks create can hand out more than this ceiling;
 * - nobody bounded by it can change it (only administrators, as at bootstrap);
 * - no IAM users, keys, login profiles or groups (long-lived credentials outside Terraform Cloud),
 *   no new SAML providers, no account alias or password policy, no Organizations or account actions.
 */
export function boundaryPolicy(project: string, account: string): IamPolicyDocument {
  const boundary = boundaryPolicyArn(project, account);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "CeilingOfEverything", Effect: "Allow", Action: "*", Resource: "*" },
      {
        Sid: "RolesOnlyWithThisBoundary",
        Effect: "Deny",
        Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
        Resource: "*",
        Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
      },
      { Sid: "NoBoundaryRemoval", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
      {
        Sid: "NoChangesToThisBoundary",
        Effect: "Deny",
        Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
        Resource: boundary,
      },
      { Sid: "NoEscalationOutsideRoles", Effect: "Deny", Action: [...ESCALATION_ACTIONS], Resource: "*" },
    ],
  };
}
