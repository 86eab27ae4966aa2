/**
 * What the platform's AWS side and the cluster add-ons agree on at the Kubernetes level: the
 * service accounts the add-ons run as (the platform binds its Pod Identity roles to them, the
 * add-on modules install each chart with exactly that service account, so the two cannot drift
 * apart), the tags and annotations both sides write, and where container logs go.
 */

/** A Kubernetes service account, by namespace and name. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The service accounts the add-ons run as. The platform creates the Pod Identity associations of
 * the first three (its roles); the add-ons stack creates those of the others (roles it owns).
 */
export const ADDON_SERVICE_ACCOUNTS = {
  loadBalancerController: { namespace: "kube-system", name: "aws-load-balancer-controller" },
  karpenter: { namespace: "kube-system", name: "karpenter" },
  fluentBit: { namespace: "amazon-cloudwatch", name: "fluent-bit" },
  externalSecrets: { namespace: "external-secrets", name: "external-secrets" },
  ebsCsiController: { namespace: "kube-system", name: "ebs-csi-controller-sa" },
} as const satisfies Record<string, ServiceAccountRef>;

/** Tag Karpenter finds subnets and security groups by; its value is the cluster name. */
export const KARPENTER_DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/**
 * Service-account annotation naming the IAM role the service account's Pod Identity association
 * grants: tells an operator (`kubectl describe sa`) which role a controller acts as.
 */
export const POD_IDENTITY_ROLE_ANNOTATION = "flashcrowd.io/pod-identity-role-arn";

/** JSON keys of the Grafana admin secret: `{"admin-user": "admin", "admin-password": "..."}`. */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: "admin-user", password: "admin-password" } as const;

/**
 * How Karpenter's EC2NodeClass names the node identity: an instance profile the platform created
 * (the controller then needs no `iam:*InstanceProfile` permissions), or a role from which Karpenter
 * creates and manages the instance profile itself.
 */
export type KarpenterNodeIdentity =
  | { readonly instanceProfile: string; readonly role?: undefined }
  | { readonly role: string; readonly instanceProfile?: undefined };

/** Where Fluent Bit ships container logs. */
export interface ContainerLogDestinations {
  /** CloudWatch Logs group, created (retention, KMS) by the platform; Fluent Bit never creates groups. */
  readonly logGroupName: string;
  /** Bucket for the archive copy. */
  readonly archiveBucketName: string;
  /** Key prefix in that bucket the Fluent Bit role may write under, ending in "/" (e.g. "eks-containers/"). */
  readonly archivePrefix: string;
}
