import { Construct } from "constructs";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ServiceAccountRef } from "../../src/config/addons-contract";
import { policyDocument, type PolicyStatement } from "../security/policy-document";

export interface AddonPodIdentityProps {
  /** Role name (from the naming helper, at most 64 characters). */
  readonly roleName: string;
  readonly description: string;
  /** Account of the cluster (trust condition). */
  readonly accountId: string;
  readonly clusterName: string;
  /** Cluster ARN: only Pod Identity sessions for this cluster may assume the role. */
  readonly clusterArn: string;
  /** The one service account the role is for. */
  readonly serviceAccount: ServiceAccountRef;
  /** Inline least-privilege statements. @default none (then managedPolicyArns must be given) */
  readonly statements?: readonly PolicyStatement[];
  /** AWS managed policies, for add-ons whose permissions AWS maintains. @default none */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * The IAM role of an add-on that only the add-ons stack knows about (the EBS CSI driver, External
 * Secrets), bound to its service account through EKS Pod Identity: trusted by
 * `pods.eks.amazonaws.com` only for this account, cluster, namespace and service account (Pod
 * Identity's session tags), plus the association. Same trust as the platform's Pod Identity roles.
 */
export class AddonPodIdentity extends Construct {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: AddonPodIdentityProps) {
    super(scope, id);
    const statements = props.statements ?? [];
    const managed = props.managedPolicyArns ?? [];
    if (statements.length === 0 && managed.length === 0) {
      throw new Error(`${this.node.path}: a role without statements or managed policies can do nothing; give one of them`);
    }
    if (props.roleName.length > 64) throw new Error(`${this.node.path}: role name "${props.roleName}" is longer than IAM's 64 characters`);
    const sa = props.serviceAccount;
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: policyDocument([
        {
          principals: { type: "Service", identifiers: ["pods.eks.amazonaws.com"] },
          actions: ["sts:AssumeRole", "sts:TagSession"],
          conditions: {
            StringEquals: {
              "aws:SourceAccount": props.accountId,
              "aws:RequestTag/eks-cluster-arn": props.clusterArn,
              "aws:RequestTag/kubernetes-namespace": sa.namespace,
              "aws:RequestTag/kubernetes-service-account": sa.name,
            },
          },
        },
      ]),
    });
    if (statements.length > 0) {
      new IamRolePolicy(this, "policy", { role: this.role.id, name: "permissions", policy: policyDocument(statements) });
    }
    managed.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn }));
    this.association = new EksPodIdentityAssociation(this, "association", {
      clusterName: props.clusterName,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      roleArn: this.role.arn,
    });
  }

  get roleArn(): string {
    return this.role.arn;
  }
}
