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

import type { ContainerLogDestinations, KarpenterNodeIdentity } from "../../modules/k8s/contract";

// The Kubernetes side of the contract is the add-on modules' own (modules/k8s/contract.ts).
export {
  ADDON_SERVICE_ACCOUNTS,
  GRAFANA_ADMIN_SECRET_KEYS,
  KARPENTER_DISCOVERY_TAG_KEY,
  POD_IDENTITY_ROLE_ANNOTATION,
  type ContainerLogDestinations,
  type KarpenterNodeIdentity,
  type ServiceAccountRef,
} from "../../modules/k8s/contract";

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
