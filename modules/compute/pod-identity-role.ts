import type { Construct } from "constructs";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ModuleConstruct } from "../core/environment";
import { RolePrincipal, type IGrantable, type IPrincipal } from "../core/grant";
import { policyDocument, type PolicyStatement } from "../security/policy-document";

export interface PodIdentityRoleProps {
  /** Component name: the role is `{project}-{stack}-{name}`. */
  readonly name: string;
  readonly description: string;
  readonly clusterName: string;
  /** ARN of the cluster: only Pod Identity sessions tagged with it may assume the role. */
  readonly clusterArn: string;
  /** Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** Kubernetes service account the role is bound to. */
  readonly serviceAccount: string;
  /** Inline least-privilege statements. @default none (then `managedPolicyArns` must be given) */
  readonly statements?: readonly PolicyStatement[];
  /** AWS managed policies, for add-ons whose permissions AWS maintains (the EBS CSI driver). @default none */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: trusted by
 * `pods.eks.amazonaws.com` of the stack's account only for this cluster (of that account), namespace
 * and service account (session tags), with an
 * inline least-privilege policy and the `aws_eks_pod_identity_association` that binds it. No OIDC
 * provider and no IRSA annotations are needed; the Pod Identity agent add-on serves the credentials.
 * As a grantee it is a bare role: each grant writes a policy of its own.
 */
export class PodIdentityRole extends ModuleConstruct implements IGrantable {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const statements = props.statements ?? [];
    const managed = props.managedPolicyArns ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new Error(`${this.node.path}: a Pod Identity role needs policy statements or managed policies; without them it can do nothing`);
    }
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount;
    this.role = new IamRole(this, "role", {
      name: this.naming.name(props.name),
      description: props.description,
      assumeRolePolicy: podIdentityTrustPolicy(this.account, props.clusterArn, props.namespace, props.serviceAccount),
    });
    this.grantPrincipal = new RolePrincipal(this.role, { grantId: props.name });
    if (statements.length > 0) {
      new IamRolePolicy(this, "policy", { role: this.role.id, name: props.name, policy: policyDocument(statements) });
    }
    managed.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn }));
    this.association = new EksPodIdentityAssociation(this, "association", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }

  get roleArn(): string {
    return this.role.arn;
  }

  get roleName(): string {
    return this.role.name;
  }
}

/**
 * Trust policy of a Pod Identity role: Pod Identity tags each session with the cluster, namespace
 * and service account it acts for, so the role can only be taken for this one service account.
 */
export function podIdentityTrustPolicy(accountId: string, clusterArn: string, namespace: string, serviceAccount: string): string {
  return policyDocument([
    {
      principals: { type: "Service", identifiers: ["pods.eks.amazonaws.com"] },
      actions: ["sts:AssumeRole", "sts:TagSession"],
      conditions: {
        StringEquals: {
          "aws:SourceAccount": accountId,
          "aws:RequestTag/eks-cluster-arn": clusterArn,
          "aws:RequestTag/kubernetes-namespace": namespace,
          "aws:RequestTag/kubernetes-service-account": serviceAccount,
        },
      },
    },
  ]);
}
