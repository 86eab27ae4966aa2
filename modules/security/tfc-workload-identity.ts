import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { suppress } from "../../src/policy/suppress";
import { policyDocument } from "./policy-document";

/** Audience Terraform Cloud puts in its AWS workload identity tokens unless told otherwise. */
export const TFC_AWS_AUDIENCE = "aws.workload.identity";

/** One Terraform Cloud workspace allowed to act in this account. */
export interface TfcRunRoleSpec {
  /** Workspace name; only runs of this workspace (in `project` of `organization`) may assume the role. */
  readonly workspace: string;
  /** IAM role name: derived by the caller so that whoever sets `TFC_AWS_RUN_ROLE_ARN` can compute the ARN. */
  readonly roleName: string;
  /** Managed policies attached to the role. */
  readonly policyArns: readonly string[];
}

export interface TfcWorkloadIdentityProps {
  /** Terraform Cloud / Enterprise host, e.g. `app.terraform.io`: the token issuer and claim prefix. */
  readonly hostname: string;
  /** Terraform Cloud organization of the workspaces. */
  readonly organization: string;
  /** Terraform Cloud project of the workspaces. */
  readonly project: string;
  /** One role per workspace that applies into this account. */
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
  /** Permissions boundary put on every run role. @default none: the attached managed policies are the limit */
  readonly permissionsBoundaryArn?: string;
}

/**
 * Terraform Cloud dynamic AWS credentials for one account: the IAM OIDC provider trusting
 * Terraform Cloud's workload identity tokens, and one role per workspace that only runs of that
 * workspace may assume (`sub` = `organization:<org>:project:<project>:workspace:<name>:run_phase:*`,
 * `aud` = the audience). No static keys.
 *
 * An OIDC provider for a given URL can exist only once per account, so create one of these per
 * account and list every workspace that applies into the account.
 */
export class TfcWorkloadIdentity extends Construct {
  readonly provider: IamOpenidConnectProvider;
  /** Run roles by workspace name. */
  readonly roles: Readonly<Record<string, IamRole>>;

  constructor(scope: Construct, id: string, props: TfcWorkloadIdentityProps) {
    super(scope, id);
    const audience = props.audience ?? TFC_AWS_AUDIENCE;
    const seen = new Set<string>();
    for (const spec of props.roles) {
      if (seen.has(spec.workspace)) throw new Error(`TfcWorkloadIdentity: workspace "${spec.workspace}" is listed twice; list each workspace once`);
      seen.add(spec.workspace);
      if (spec.policyArns.length === 0) throw new Error(`TfcWorkloadIdentity: the role of "${spec.workspace}" has no policy; give it at least one`);
    }

    this.provider = new IamOpenidConnectProvider(this, "provider", {
      url: `https://${props.hostname}`,
      clientIdList: [audience],
      ...(props.thumbprints ? { thumbprintList: [...props.thumbprints] } : {}),
    });

    const roles: Record<string, IamRole> = {};
    for (const spec of props.roles) {
      const scopeOfRole = new Construct(this, spec.workspace);
      const role = new IamRole(scopeOfRole, "role", {
        name: spec.roleName,
        description: `Terraform Cloud runs of workspace ${spec.workspace} (organization ${props.organization}, project ${props.project})`,
        assumeRolePolicy: policyDocument([
          {
            sid: "TerraformCloudRunsOfOneWorkspace",
            principals: { type: "Federated", identifiers: [this.provider.arn] },
            actions: ["sts:AssumeRoleWithWebIdentity"],
            conditions: {
              StringEquals: { [`${props.hostname}:aud`]: audience },
              StringLike: {
                [`${props.hostname}:sub`]: `organization:${props.organization}:project:${props.project}:workspace:${spec.workspace}:run_phase:*`,
              },
            },
          },
        ]),
        ...(props.permissionsBoundaryArn ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
      });
      spec.policyArns.forEach((policyArn, i) => {
        const attachment = new IamRolePolicyAttachment(scopeOfRole, `policy-${i}`, { role: role.name, policyArn });
        if (/:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/.test(policyArn)) {
          suppress(
            attachment,
            "IAM-NO-WILDCARD-ADMIN",
            `Terraform run role of ${spec.workspace}: it creates and deletes IAM roles and resources of every service its stack uses, ` +
              "so it is administrator-equivalent whatever is attached; it can be assumed only by runs of that one workspace (OIDC sub). " +
              "Narrow it per kind of stack with project.terraformCloud.runRolePolicyArns or a permissions boundary.",
          );
        }
      });
      roles[spec.workspace] = role;
    }
    this.roles = roles;
  }
}
