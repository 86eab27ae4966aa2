import type { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { PodIdentityRole } from "../compute/pod-identity-role";
import { ModuleConstruct } from "../core/environment";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ADDON_SERVICE_ACCOUNTS, POD_IDENTITY_ROLE_ANNOTATION } from "./contract";

export const EBS_CSI_DRIVER_CHART: ChartSource = {
  repository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
  chart: "aws-ebs-csi-driver",
};

/** The AWS managed policy the driver's controller needs (create, attach, snapshot and tag volumes). */
export const EBS_CSI_DRIVER_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";

export interface EbsCsiDriverProps {
  /** Exact chart version. */
  readonly version: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** Controller replicas; from 2 the chart's PodDisruptionBudget keeps one up during drains. */
  readonly replicas: number;
  /** Tags put on every volume and snapshot the driver creates (provider default_tags do not reach them). */
  readonly volumeTags: Readonly<Record<string, string>>;
  /**
   * Name of the gp3 storage class.
   * @default "gp3"
   */
  readonly storageClassName?: string;
  /**
   * KMS key for the volumes.
   * @default - the account's `aws/ebs` key (volumes are always encrypted)
   */
  readonly kmsKeyArn?: string;
  /**
   * What happens to a volume when its claim is deleted.
   * @default "Retain" - the volume (and its data) stays until someone deletes it, and keeps costing
   * until then; "Delete" removes it with the claim
   */
  readonly reclaimPolicy?: "Retain" | "Delete";
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * The EBS CSI driver (persistent volumes on EKS) with its Pod Identity role
 * (`{project}-{stack}-ebs-csi-driver`), and an encrypted,
 * expandable gp3 storage class that binds volumes in the zone of the pod that uses them. It is the
 * cluster's default storage class.
 */
export class EbsCsiDriver extends ModuleConstruct {
  readonly identity: PodIdentityRole;
  readonly chart: ChartRelease;
  /** The gp3 storage class's name. */
  readonly storageClassName: string;

  constructor(scope: Construct, id: string, props: EbsCsiDriverProps) {
    super(scope, id);
    const sa = ADDON_SERVICE_ACCOUNTS.ebsCsiController;
    this.storageClassName = props.storageClassName ?? "gp3";
    this.identity = new PodIdentityRole(this, "identity", {
      name: "ebs-csi-driver",
      description: `EBS CSI driver of ${props.clusterName}: volumes and snapshots`,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      managedPolicyArns: [EBS_CSI_DRIVER_POLICY_ARN],
    });
    this.chart = new ChartRelease(this, "chart", {
      name: "aws-ebs-csi-driver",
      namespace: sa.namespace,
      source: EBS_CSI_DRIVER_CHART,
      version: props.version,
      provider: props.provider,
      dependsOn: [this.identity.association],
      values: {
        controller: {
          region: this.region,
          replicaCount: props.replicas,
          podDisruptionBudget: { enabled: props.replicas > 1 },
          k8sTagClusterId: props.clusterName,
          extraVolumeTags: { ...props.volumeTags },
          serviceAccount: {
            create: true,
            name: sa.name,
            annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: this.identity.roleArn },
          },
        },
        storageClasses: [
          {
            name: this.storageClassName,
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: props.reclaimPolicy ?? "Retain",
            allowVolumeExpansion: true,
            parameters: {
              type: "gp3",
              encrypted: "true",
              ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
            },
          },
        ],
      },
    });
  }
}
