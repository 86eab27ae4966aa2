import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ADDON_SERVICE_ACCOUNTS, KARPENTER_DISCOVERY_TAG_KEY, POD_IDENTITY_ROLE_ANNOTATION, type KarpenterNodeIdentity } from "./contract";
import { ManifestsRelease } from "./manifests-release";
import type { KarpenterSettings } from "./types";

export const KARPENTER_CHART: ChartSource = { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter" };
export const KARPENTER_CRD_CHART: ChartSource = { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd" };

export interface KarpenterProps {
  /** Exact version of the `karpenter` and `karpenter-crd` charts (released together). */
  readonly version: string;
  readonly clusterName: string;
  /** API server endpoint (saves the controller a DescribeCluster call). */
  readonly clusterEndpoint: string;
  readonly interruptionQueueName: string;
  readonly nodeIdentity: KarpenterNodeIdentity;
  /** The platform's Pod Identity role for the controller (shown on its service account). */
  readonly controllerRoleArn: string;
  /** Controller replicas; spread one per node, so at most the number of system nodes. */
  readonly replicas: number;
  /** AMI, root volume and the default NodePool's settings. */
  readonly settings: KarpenterSettings;
  /** Tags on every instance, volume and network interface Karpenter launches. */
  readonly nodeTags: Readonly<Record<string, string>>;
  /**
   * KMS key for node root volumes.
   * @default - the account's `aws/ebs` key (volumes are always encrypted)
   */
  readonly volumeKmsKeyArn?: string;
  /** Releases to install first (the storage driver, so nothing races the controllers). @default none */
  readonly dependsOn?: ChartRelease[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/** Name of the default EC2NodeClass and NodePool. */
export const DEFAULT_NODE_POOL = "default";

/**
 * Karpenter: its CRDs from the `karpenter-crd` chart (which Helm upgrades, unlike a chart's `crds/`
 * folder), the controller (on the system nodes, never on nodes it launched itself), and a default
 * EC2NodeClass + NodePool delivered through a chart that depends on both:
 * - nodes in the subnets and security groups tagged `karpenter.sh/discovery: <cluster>`;
 * - IMDSv2 required with a hop limit of 1 (pods cannot reach instance credentials);
 * - an encrypted gp3 root volume;
 * - instance families, capacity types, architectures, limits, consolidation, expiry and disruption
 *   budgets from config.
 */
export class Karpenter extends Construct {
  readonly crds: ChartRelease;
  readonly chart: ChartRelease;
  readonly nodePools: ManifestsRelease;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const sa = ADDON_SERVICE_ACCOUNTS.karpenter;
    const { settings } = props;
    this.crds = new ChartRelease(this, "crds", {
      name: "karpenter-crd",
      namespace: sa.namespace,
      source: KARPENTER_CRD_CHART,
      version: props.version,
      provider: props.provider,
      values: {},
      dependsOn: props.dependsOn?.map((d) => d.release),
    });
    this.chart = new ChartRelease(this, "chart", {
      name: "karpenter",
      namespace: sa.namespace,
      source: KARPENTER_CHART,
      version: props.version,
      provider: props.provider,
      skipCrds: true,
      dependsOn: [this.crds.release],
      values: {
        replicas: props.replicas,
        serviceAccount: { create: true, name: sa.name, annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: props.controllerRoleArn } },
        settings: {
          clusterName: props.clusterName,
          clusterEndpoint: props.clusterEndpoint,
          interruptionQueue: props.interruptionQueueName,
        },
      },
    });

    const pool = settings.nodePool;
    const discovery = [{ tags: { [KARPENTER_DISCOVERY_TAG_KEY]: props.clusterName } }];
    const identity = props.nodeIdentity.instanceProfile !== undefined ? { instanceProfile: props.nodeIdentity.instanceProfile } : { role: props.nodeIdentity.role };
    this.nodePools = new ManifestsRelease(this, "node-pools", {
      name: "karpenter-node-pools",
      namespace: sa.namespace,
      provider: props.provider,
      dependsOn: [this.chart.release],
      manifests: [
        {
          apiVersion: "karpenter.k8s.aws/v1",
          kind: "EC2NodeClass",
          metadata: { name: DEFAULT_NODE_POOL },
          spec: {
            amiSelectorTerms: [{ alias: settings.amiAlias }],
            ...identity,
            subnetSelectorTerms: discovery,
            securityGroupSelectorTerms: discovery,
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [
              {
                deviceName: "/dev/xvda",
                ebs: {
                  volumeSize: `${settings.rootVolumeGi}Gi`,
                  volumeType: "gp3",
                  encrypted: true,
                  deleteOnTermination: true,
                  ...(props.volumeKmsKeyArn ? { kmsKeyID: props.volumeKmsKeyArn } : {}),
                },
              },
            ],
            tags: { ...props.nodeTags },
          },
        },
        {
          apiVersion: "karpenter.sh/v1",
          kind: "NodePool",
          metadata: { name: DEFAULT_NODE_POOL },
          spec: {
            template: {
              spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: DEFAULT_NODE_POOL },
                requirements: [
                  { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...pool.instanceFamilies] },
                  { key: "karpenter.sh/capacity-type", operator: "In", values: [...pool.capacityTypes] },
                  { key: "kubernetes.io/arch", operator: "In", values: [...pool.architectures] },
                  { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                ],
                expireAfter: pool.expireAfter,
              },
            },
            limits: { cpu: String(pool.limits.cpu), memory: `${pool.limits.memoryGi}Gi` },
            disruption: {
              consolidationPolicy: pool.consolidationPolicy,
              consolidateAfter: pool.consolidateAfter,
              budgets: pool.budgets.map((b) => ({
                nodes: b.nodes,
                ...(b.schedule !== undefined ? { schedule: b.schedule } : {}),
                ...(b.duration !== undefined ? { duration: b.duration } : {}),
                ...(b.reasons !== undefined ? { reasons: [...b.reasons] } : {}),
              })),
            },
          },
        },
      ],
    });
  }
}
