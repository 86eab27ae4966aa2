import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { suppressRule } from "../core/suppressions";
import { policyDocument, type IamPolicyDocument } from "./policy-document";

/** Audience Terraform Cloud puts in its AWS workload identity tokens unless told otherwise. */
export const TFC_AWS_AUDIENCE = "aws.workload.identity";

/** AWS managed policy every plan role gets. */
export const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** Run phases Terraform Cloud names in the token's `sub` claim; each has its own role. */
export type RunPhase = "plan" | "apply";

/** The two roles of one Terraform Cloud workspace allowed to act in this account. */
export interface TfcRunRoleSpec {
  /** Workspace name; only runs of this workspace (in `project` of `organization`) may assume its roles. */
  readonly workspace: string;
  /** Name of the role plans assume (`TFC_AWS_PLAN_ROLE_ARN`); derived by the caller so the `tfc` stack can compute the ARN. */
  readonly planRoleName: string;
  /** Name of the role applies assume (`TFC_AWS_APPLY_ROLE_ARN`). */
  readonly applyRoleName: string;
  /**
   * Statements added to the plan role next to AWS managed ReadOnlyAccess (the Deny of data reads).
   * @default none: ReadOnlyAccess alone
   */
  readonly planPolicy?: IamPolicyDocument;
  /** The apply role's own permissions. */
  readonly applyPolicy: IamPolicyDocument;
  /**
   * Managed policies attached to the apply role on top of `applyPolicy` (the configuration's
   * escape hatch for a service the project does not know yet).
   * @default none
   */
  readonly applyPolicyArns?: readonly string[];
}

/** The permissions boundary policy this construct creates for the account. */
export interface TfcPermissionsBoundarySpec {
  /** Policy name; fixed, so that every stack of the account can compute its ARN. */
  readonly name: string;
  readonly document: IamPolicyDocument;
}

export interface TfcWorkloadIdentityProps {
  /** Terraform Cloud / Enterprise host, e.g. `app.terraform.io`: the token issuer and claim prefix. */
  readonly hostname: string;
  /** Terraform Cloud organization of the workspaces. */
  readonly organization: string;
  /** Terraform Cloud project of the workspaces. */
  readonly project: string;
  /** The plan and apply roles of every workspace that applies into this account. */
  readonly roles: readonly TfcRunRoleSpec[];
  /** Audience of the tokens (`TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE`). @default "aws.workload.identity", Terraform Cloud's default */
  readonly audience?: string;
  /**
   * Certificate thumbprints of the issuer.
   * @default none: IAM works the thumbprint out itself when it creates the provider and trusts the
   * issuer's certificate authority, so nothing is looked up at plan time and nothing breaks when
   * the issuer's certificate is renewed
   */
  readonly thumbprints?: readonly string[];
  /**
   * The account's permissions boundary, created here and put on every run role (the roles depend
   * on it, so it exists before IAM checks their boundary).
   * @default none: no boundary policy is created and the roles carry none unless an Aspect adds it
   */
  readonly boundary?: TfcPermissionsBoundarySpec;
}

/** The roles of one workspace. */
export interface TfcRunRoles {
  readonly plan: IamRole;
  readonly apply: IamRole;
}

/** AWS managed policies that make a role an administrator whatever else it carries. */
const ADMIN_POLICY = /:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;

/**
 * Terraform Cloud dynamic AWS credentials for one account: the IAM OIDC provider trusting
 * Terraform Cloud's workload identity tokens and, per workspace, a read-only plan role and an
 * apply role, each assumable only by that workspace's runs in that run phase
 * (`sub` = `organization:<org>:project:<project>:workspace:<name>:run_phase:plan|apply`,
 * `aud` = the audience). A speculative plan of a pull request therefore never holds write
 * permissions. No static keys.
 *
 * An OIDC provider for a given URL can exist only once per account, so create one of these per
 * account and list every workspace that applies into the account.
 */
export class TfcWorkloadIdentity extends Construct {
  readonly provider: IamOpenidConnectProvider;
  /** The permissions boundary policy, when `boundary` was given. */
  readonly boundary?: IamPolicy;
  /** Plan and apply roles by workspace name. */
  readonly roles: Readonly<Record<string, TfcRunRoles>>;

  constructor(scope: Construct, id: string, props: TfcWorkloadIdentityProps) {
    super(scope, id);
    const audience = props.audience ?? TFC_AWS_AUDIENCE;
    const seen = new Set<string>();
    for (const spec of props.roles) {
      if (seen.has(spec.workspace)) throw new Error(`TfcWorkloadIdentity: workspace "${spec.workspace}" is listed twice; list each workspace once`);
      seen.add(spec.workspace);
      if (spec.planRoleName === spec.applyRoleName) {
        throw new Error(`TfcWorkloadIdentity: workspace "${spec.workspace}" has one name for its plan and apply roles; give each run phase its own role`);
      }
    }

    this.provider = new IamOpenidConnectProvider(this, "provider", {
      url: `https://${props.hostname}`,
      clientIdList: [audience],
      ...(props.thumbprints ? { thumbprintList: [...props.thumbprints] } : {}),
    });

    if (props.boundary) {
      this.boundary = new IamPolicy(this, "boundary", {
        name: props.boundary.name,
        description: "Permissions boundary of every IAM role the stacks create: everything except IAM, Organizations and account escalation. Changed only by administrators.",
        policy: JSON.stringify(props.boundary.document),
        // Every role of the account references it by ARN; deleting it would strand them all.
        lifecycle: { preventDestroy: true },
      });
      suppressRule(
        this.boundary,
        "IAM-NO-WILDCARD-ADMIN",
        "A permissions boundary grants nothing: it caps what the roles' own policies grant. Its Allow of everything is the ceiling; its Deny statements remove the IAM, Organizations and account escalations.",
      );
    }

    const roleFor = (spec: TfcRunRoleSpec, phase: RunPhase, scopeOfRole: Construct, name: string) =>
      new IamRole(scopeOfRole, phase === "plan" ? "plan-role" : "apply-role", {
        name,
        description: `Terraform Cloud ${phase}s of workspace ${spec.workspace} (organization ${props.organization}, project ${props.project})`,
        assumeRolePolicy: policyDocument([
          {
            sid: phase === "plan" ? "TerraformCloudPlansOfOneWorkspace" : "TerraformCloudAppliesOfOneWorkspace",
            principals: { type: "Federated", identifiers: [this.provider.arn] },
            actions: ["sts:AssumeRoleWithWebIdentity"],
            conditions: {
              StringEquals: {
                [`${props.hostname}:aud`]: audience,
                [`${props.hostname}:sub`]: `organization:${props.organization}:project:${props.project}:workspace:${spec.workspace}:run_phase:${phase}`,
              },
            },
          },
        ]),
        ...(this.boundary ? { permissionsBoundary: this.boundary.arn } : {}),
      });

    const roles: Record<string, TfcRunRoles> = {};
    for (const spec of props.roles) {
      const scopeOfRole = new Construct(this, spec.workspace);
      const plan = roleFor(spec, "plan", scopeOfRole, spec.planRoleName);
      new IamRolePolicyAttachment(scopeOfRole, "plan-read-only", { role: plan.name, policyArn: READ_ONLY_ACCESS });
      if (spec.planPolicy) {
        new IamRolePolicy(scopeOfRole, "plan-no-data-reads", { role: plan.name, name: "no-data-reads", policy: JSON.stringify(spec.planPolicy) });
      }

      const apply = roleFor(spec, "apply", scopeOfRole, spec.applyRoleName);
      const applyPolicy = new IamRolePolicy(scopeOfRole, "apply-policy", { role: apply.name, name: "bounded-apply", policy: JSON.stringify(spec.applyPolicy) });
      suppressRule(
        applyPolicy,
        "IAM-NO-WILDCARD-ADMIN",
        `Apply role of ${spec.workspace}: Terraform creates, changes and deletes every resource of the services its kind of stack uses, so it holds those services whole ` +
          "(never IAM, and never '*'); IAM only for roles with the project's permissions boundary, and its Deny statements keep it off the run roles and the boundary.",
      );
      (spec.applyPolicyArns ?? []).forEach((policyArn, i) => {
        const attachment = new IamRolePolicyAttachment(scopeOfRole, `apply-extra-${i}`, { role: apply.name, policyArn });
        if (ADMIN_POLICY.test(policyArn)) {
          // The run-role rule (IAM-RUN-ROLE-NOT-ADMIN) judges these, and only a reasoned suppression
          // in config (policy.suppressions) lets one through; one rule, one place to decide.
          suppressRule(attachment, "IAM-NO-WILDCARD-ADMIN", `Checked for Terraform Cloud run roles by IAM-RUN-ROLE-NOT-ADMIN, which is suppressed only in config, with a reason.`);
        }
      });
      roles[spec.workspace] = { plan, apply };
    }
    this.roles = roles;
  }
}
