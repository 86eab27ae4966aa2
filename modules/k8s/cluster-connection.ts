import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";

export interface ClusterConnectionProps {
  /** EKS cluster name (usually a cross-stack reference). */
  readonly clusterName: string;
  /** API server endpoint, `https://...`. */
  readonly endpoint: string;
  /** Base64-encoded PEM certificate authority of the API server. */
  readonly certificateAuthorityData: string;
  /** @default the stack's AWS provider */
  readonly awsProvider?: AwsProvider;
}

/**
 * The helm and kubernetes providers of a stack, both talking to one EKS cluster with a token from
 * the `aws_eks_cluster_auth` data source: a presigned STS call made by the AWS provider's own
 * credentials, valid for 15 minutes and fetched anew by every plan and apply. No kubeconfig file and
 * no exec plugin (`aws eks get-token`), which Terraform Cloud runners do not have. The token is
 * sensitive, so Terraform keeps it out of plan output.
 */
export class ClusterConnection extends Construct {
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;
  readonly auth: DataAwsEksClusterAuth;

  constructor(scope: Construct, id: string, props: ClusterConnectionProps) {
    super(scope, id);
    this.auth = new DataAwsEksClusterAuth(this, "auth", { provider: props.awsProvider, name: props.clusterName });
    const connection = {
      host: props.endpoint,
      clusterCaCertificate: Fn.base64decode(props.certificateAuthorityData),
      token: this.auth.token,
    };
    this.helm = new HelmProvider(this, "helm", { kubernetes: connection });
    this.kubernetes = new KubernetesProvider(this, "kubernetes", connection);
  }
}
