/**
 * The settings the add-on modules take, in their own terms. The configuration's `addons` section
 * is parsed into values of these types (its schema is checked against them).
 */

/** Pod Security Standards levels a namespace can enforce (pod security admission). */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** A limit on voluntary disruption of Karpenter's nodes. */
export interface KarpenterBudget {
  /** Nodes that may be disrupted at once while the budget is active: a count (`"0"`) or a percentage (`"10%"`). */
  readonly nodes: string;
  /** Cron schedule (UTC) when the budget starts; with `duration`. @default always active */
  readonly schedule?: string;
  /** How long the budget is active after each `schedule` hit, e.g. "8h". */
  readonly duration?: string;
  /** Disruption reasons the budget limits. @default all reasons */
  readonly reasons?: readonly ("Underutilized" | "Empty" | "Drifted")[];
}

/** AMI, root volume and the default NodePool of Karpenter. */
export interface KarpenterSettings {
  /** EKS-optimized AMI family and version, `family@version` (e.g. `al2023@latest`). */
  readonly amiAlias: string;
  /** Root volume of Karpenter nodes in GiB (gp3, encrypted). */
  readonly rootVolumeGi: number;
  readonly nodePool: {
    /** EC2 instance families Karpenter may choose from (`m7i`, `c7g`...). */
    readonly instanceFamilies: readonly string[];
    readonly capacityTypes: readonly ("on-demand" | "spot")[];
    readonly architectures: readonly ("amd64" | "arm64")[];
    /** Ceiling on what the pool may launch in total. */
    readonly limits: { readonly cpu: number; readonly memoryGi: number };
    readonly consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
    /** Karpenter duration (`30s`, `5m`) or `Never`. */
    readonly consolidateAfter: string;
    /** Maximum node lifetime, a Karpenter duration or `Never`. */
    readonly expireAfter: string;
    readonly budgets: readonly KarpenterBudget[];
  };
}

/** Prometheus and Alertmanager sizing and the Slack channels alerts go to. */
export interface MonitoringSettings {
  readonly prometheus: {
    readonly replicas: number;
    /** How long samples are kept, a Prometheus duration (`15d`). */
    readonly retention: string;
    /** Size of each replica's gp3 volume in GiB. */
    readonly storageGi: number;
  };
  readonly alertmanager: {
    readonly replicas: number;
    /** Size of each replica's gp3 volume in GiB. */
    readonly storageGi: number;
  };
  /** Slack channels by alert severity (`#alerts`). */
  readonly slackChannels: { readonly critical: string; readonly warning: string };
}

/** Argo CD's availability. */
export interface ArgoCdSettings {
  /** Redis HA (sentinel) and replicated components; needs at least three nodes. */
  readonly highAvailability: boolean;
  /** Replicas of the API server, repo server and ApplicationSet controller. */
  readonly replicas: number;
}
