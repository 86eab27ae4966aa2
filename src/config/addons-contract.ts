/**
 * The contract between a platform stack (`prod`, `dev`) and its add-ons stack (`prod-addons`,
 * `dev-addons`): what the add-ons need from the platform, and the Kubernetes identities both sides
 * must agree on.
 *
 * The platform fills {@link AddonInputs} with attributes of its own resources; used in the add-ons
 * stack they become cross-stack references (a `terraform_remote_state` of the platform workspace).
 * The platform binds its Pod Identity roles to the service accounts in
 * {@link ADDON_SERVICE_ACCOUNTS}; the add-ons stack installs each chart with exactly that service
 * account, so the two cannot drift apart.
 *
 * Platform prerequisites the add-ons rely on (beyond these values):
 * - the `eks-pod-identity-agent` EKS add-on (Pod Identity credentials), VPC CNI, kube-proxy and
 *   CoreDNS, and a system node group with at least `addons.controllerReplicas` nodes;
 * - an `EC2_LINUX` access entry for Karpenter's node role, and the
 *   `karpenter.sh/discovery = <cluster name>` tag ({@link KARPENTER_DISCOVERY_TAG_KEY}) on the
 *   private subnets and the node security group;
 * - ingress from the ALB's security group to the pods on every bound service port (TargetGroupBindings
 *   carry no `networking`, so the controller never edits security groups);
 * - the add-ons workspace's run role as a cluster-admin access entry, and a network path from its
 *   runs to the API endpoint (a Terraform Cloud agent in the VPC when the endpoint is private);
 * - the two secrets of {@link AlertingSecrets}, with values put before the first add-ons apply.
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

/** Secrets Manager secrets Grafana and Alertmanager read at run time (through External Secrets). */
export interface AlertingSecrets {
  /** JSON secret with the keys of {@link GRAFANA_ADMIN_SECRET_KEYS}. */
  readonly grafanaAdminSecretArn: string;
  /** Plain-text secret holding the Slack incoming-webhook URL. */
  readonly slackWebhookSecretArn: string;
  /** KMS key both secrets are encrypted with (decrypt is granted through Secrets Manager only). */
  readonly kmsKeyArn: string;
}

/**
 * Everything an add-ons stack needs from its platform stack. Values are tokens of the platform's
 * resources (e.g. `eks.cluster.endpoint`); the add-ons stack never looks anything up.
 */
export interface AddonInputs {
  /** EKS cluster name. */
  readonly clusterName: string;
  /** EKS cluster ARN: trust condition of the Pod Identity roles the add-ons stack creates. */
  readonly clusterArn: string;
  /** API server endpoint (`https://...`). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM certificate authority of the API server, as EKS returns it. */
  readonly clusterCertificateAuthorityData: string;
  /** VPC of the cluster (the load balancer controller is told it, so it never calls IMDS). */
  readonly vpcId: string;
  /**
   * The platform's Pod Identity roles, bound to {@link ADDON_SERVICE_ACCOUNTS}
   * `loadBalancerController`, `karpenter` and `fluentBit`.
   */
  readonly podIdentityRoleArns: {
    readonly loadBalancerController: string;
    readonly karpenterController: string;
    readonly fluentBit: string;
  };
  readonly karpenter: {
    /** SQS queue receiving spot interruption, rebalance, health and state-change events. */
    readonly interruptionQueueName: string;
    readonly nodeIdentity: KarpenterNodeIdentity;
  };
  /** The ALB's `ip` target groups by service name (the keys `workloads[].targetGroup.name` refers to). */
  readonly targetGroupArns: Readonly<Record<string, string>>;
  readonly containerLogs: ContainerLogDestinations;
  readonly alertingSecrets: AlertingSecrets;
  /**
   * KMS key for the EBS volumes of persistent volume claims (gp3 storage class).
   * @default - the account's `aws/ebs` key
   */
  readonly volumeKmsKeyArn?: string;
}
