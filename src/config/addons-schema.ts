/**
 * The `addons` section of an environment: what runs inside its EKS cluster (the `<env>-addons`
 * stack). Single-field rules live here; rules relating fields live in addons-validate.ts.
 */
import { z } from "zod";
import {
  POD_SECURITY_LEVELS,
  type ArgoCdSettings,
  type KarpenterBudget as ModuleKarpenterBudget,
  type KarpenterSettings,
  type MonitoringSettings,
  type PodSecurityLevel as ModulePodSecurityLevel,
} from "../../modules/k8s/types";
import type { Conforms } from "./conforms";

/** Why a release must never move under a re-run: chart versions are exact. */
const chartVersion = z.string().regex(/^\d+\.\d+\.\d+$/, {
  message: 'must be an exact chart version like "1.14.1" (no range, no "v" prefix, no "latest"), so a re-run installs the same chart',
});

const podSecurityLevel = z.enum(POD_SECURITY_LEVELS, { message: `must be one of ${POD_SECURITY_LEVELS.join(", ")}` });

/** Karpenter's duration format (`30s`, `5m`, `720h`, `1h30m`) or `Never`. */
export const KARPENTER_DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
/** A budget's active window: hours and minutes only, as Karpenter accepts it. */
export const KARPENTER_BUDGET_DURATION = /^(([0-9]+(h|m))|([0-9]+h[0-9]+m))$/;
/** A budget's node count: a whole number or a percentage. */
export const KARPENTER_BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;

const replicas = (max: number) =>
  z
    .number()
    .int({ message: "must be a whole number of replicas" })
    .min(1, { message: "must be at least 1" })
    .max(max, { message: `must be at most ${max}` });

const gibibytes = (min: number, max: number) =>
  z
    .number()
    .int({ message: "must be a whole number of GiB" })
    .min(min, { message: `must be at least ${min} GiB` })
    .max(max, { message: `must be at most ${max} GiB (the gp3 volume limit is 16384)` });

const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
      message: "must be a DNS label: lowercase letters, digits and '-', not starting or ending with '-'",
    });

const slackChannel = z.string().regex(/^#[a-z0-9][a-z0-9._-]{0,79}$/, {
  message: 'must be a Slack channel name like "#alerts" (lowercase, no spaces)',
});

/** Pinned chart versions, one per chart the add-ons stack installs. */
export const addonChartsSchema = z.strictObject({
  /** eks-charts `aws-load-balancer-controller`. */
  awsLoadBalancerController: chartVersion,
  /** `oci://public.ecr.aws/karpenter` `karpenter` and `karpenter-crd` (released together). */
  karpenter: chartVersion,
  /** kubernetes-sigs `metrics-server`. */
  metricsServer: chartVersion,
  /** prometheus-community `kube-prometheus-stack`. */
  kubePrometheusStack: chartVersion,
  /** prometheus-community `prometheus-operator-crds`: the CRDs matching kube-prometheus-stack's operator. */
  prometheusOperatorCrds: chartVersion,
  /** argo-helm `argo-cd`. */
  argoCd: chartVersion,
  /** eks-charts `aws-for-fluent-bit`. */
  awsForFluentBit: chartVersion,
  /** `external-secrets` (External Secrets Operator). */
  externalSecrets: chartVersion,
  /** kubernetes-sigs `aws-ebs-csi-driver` (gp3 volumes for Prometheus and Alertmanager). */
  awsEbsCsiDriver: chartVersion,
});

export const podSecuritySchema = z.strictObject({
  /** kube-prometheus-stack: node-exporter uses the host network, PID namespace and paths, so it needs `privileged`. */
  monitoring: podSecurityLevel.default("privileged"),
  /** Argo CD (and redis-ha in HA mode). */
  argocd: podSecurityLevel.default("baseline"),
  /** Fluent Bit reads /var/log from the host, so it needs `privileged`. */
  logging: podSecurityLevel.default("privileged"),
  /** External Secrets Operator. */
  externalSecrets: podSecurityLevel.default("restricted"),
  /** Every workload namespace, unless a workload sets its own level. */
  workloads: podSecurityLevel.default("restricted"),
});

export const karpenterBudgetSchema = z.strictObject({
  /** Nodes that may be disrupted at once while the budget is active: a count (`"0"`) or a percentage (`"10%"`). */
  nodes: z.string().regex(KARPENTER_BUDGET_NODES, { message: 'must be a whole number ("0", "2") or a percentage ("10%")' }),
  /** Cron schedule (UTC, five fields or @daily...) when the budget starts; needs `duration`. */
  schedule: z.string().optional(),
  /** How long the budget is active after each `schedule` hit, e.g. "8h" or "1h30m"; needs `schedule`. */
  duration: z.string().regex(KARPENTER_BUDGET_DURATION, { message: 'must be hours and/or minutes like "8h", "30m" or "1h30m"' }).optional(),
  /** Disruption reasons the budget limits. @default all reasons */
  reasons: z.array(z.enum(["Underutilized", "Empty", "Drifted"], { message: "must be Underutilized, Empty or Drifted" })).optional(),
});

export const karpenterSchema = z.strictObject({
  /**
   * EKS-optimized AMI family and version, `family@version`. `@latest` makes every AMI release a
   * drift that replaces nodes (within the disruption budgets); pin a version (al2023@v20250715) to
   * roll AMIs by pull request.
   */
  amiAlias: z.string().regex(/^(al2023|al2|bottlerocket)@(latest|v[0-9][0-9.]*)$/, {
    message: 'must be an EKS AMI alias like "al2023@latest" or "al2023@v20250715"',
  }),
  /** Root volume of Karpenter nodes (gp3, encrypted). */
  rootVolumeGi: gibibytes(20, 16384).default(50),
  /** The default NodePool: what Karpenter may launch, how much, and how it disrupts nodes. */
  nodePool: z.strictObject({
    /** EC2 instance families Karpenter may choose from (`m7i`, `c7g`, `r6a`...). */
    instanceFamilies: z
      .array(z.string().regex(/^[a-z]+[0-9][a-z0-9-]*$/, { message: 'must be an EC2 instance family like "m7i" or "c7g"' }))
      .min(1, { message: "needs at least one instance family" }),
    /** `on-demand`, `spot` or both (Karpenter prefers spot when both are allowed). */
    capacityTypes: z
      .array(z.enum(["on-demand", "spot"], { message: 'must be "on-demand" or "spot"' }))
      .min(1, { message: "needs at least one capacity type" }),
    /** CPU architectures; the instance families must include matching ones. */
    architectures: z.array(z.enum(["amd64", "arm64"], { message: 'must be "amd64" or "arm64"' })).min(1).default(["amd64"]),
    /** Ceiling on what the pool may launch in total: the cost guard rail. */
    limits: z.strictObject({
      /** Total vCPUs the pool may run. */
      cpu: z.number().int().positive({ message: "must be a positive number of vCPUs" }),
      /** Total memory (GiB) the pool may run. */
      memoryGi: z.number().int().positive({ message: "must be a positive number of GiB" }),
    }),
    /** `WhenEmptyOrUnderutilized` repacks pods onto fewer nodes; `WhenEmpty` only removes empty nodes. */
    consolidationPolicy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized"], {
      message: 'must be "WhenEmpty" or "WhenEmptyOrUnderutilized"',
    }),
    /** How long a node must be consolidatable before Karpenter acts, e.g. "1m"; "Never" turns consolidation off. */
    consolidateAfter: z.string().regex(KARPENTER_DURATION, { message: 'must be a duration like "30s", "5m", "1h" or "Never"' }),
    /** Maximum node lifetime (AMI and kernel refresh), e.g. "720h"; "Never" keeps nodes forever. */
    expireAfter: z.string().regex(KARPENTER_DURATION, { message: 'must be a duration like "720h" or "Never"' }).default("720h"),
    /** Limits on voluntary disruption; the most restrictive active budget wins. */
    budgets: z.array(karpenterBudgetSchema).min(1, { message: 'needs at least one budget, e.g. { nodes: "10%" }' }).max(50),
  }),
});

export const addonsMonitoringSchema = z.strictObject({
  /** Prometheus replicas, retention and storage. */
  prometheus: z.strictObject({
    /** Prometheus replicas (each scrapes everything; Alertmanager de-duplicates their alerts). */
    replicas: replicas(3),
    /** How long samples are kept, e.g. "15d" (units h, d, w, y). */
    retention: z.string().regex(/^[1-9][0-9]*(h|d|w|y)$/, { message: 'must be a Prometheus duration like "15d", "72h" or "2w"' }),
    /** Size of each replica's gp3 volume; Prometheus also deletes old data at 85% of it. */
    storageGi: gibibytes(10, 16384),
  }),
  /** Alertmanager replicas and storage. */
  alertmanager: z.strictObject({
    /** Alertmanager replicas; they form a cluster and send each notification once. */
    replicas: replicas(5),
    /** Size of each replica's gp3 volume (silences and notification log). */
    storageGi: gibibytes(1, 100).default(10),
  }),
  /** Slack channels by alert severity; the webhook itself comes from Secrets Manager. */
  slackChannels: z.strictObject({
    /** Channel for `critical` alerts (repeated hourly). */
    critical: slackChannel,
    /** Channel for `warning` alerts. */
    warning: slackChannel,
  }),
});

export const argoCdSchema = z.strictObject({
  /** Redis HA (sentinel) and replicated Argo CD components; needs at least three nodes. */
  highAvailability: z.boolean(),
  /** Replicas of the API server, repo server and ApplicationSet controller. */
  replicas: replicas(5),
});

export const workloadSchema = z.strictObject({
  /** Argo CD Application name; also the default Service name bound to the target group. */
  name: dnsLabel(40),
  /** Git repository of the workload's Helm chart (https:// or ssh://). */
  repoUrl: z.string().regex(/^(https|ssh):\/\/[^\s$%{}"'\\]+$/, {
    message: "must be an https:// or ssh:// Git URL without spaces, quotes or template characters",
  }),
  /** Chart folder inside the repository, relative, e.g. "charts/web". */
  path: z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, {
    message: 'must be a relative folder inside the repository like "charts/web" (no leading "/", no "..")',
  }),
  /** Git revision: a tag (recommended for prod), a branch or a commit. */
  revision: z.string().regex(/^[A-Za-z0-9._/-]+$/, { message: 'must be a Git tag, branch or commit like "v1.4.2" or "main"' }),
  /** Namespace the workload runs in; created by the add-ons stack with its pod security level. */
  namespace: dnsLabel(63),
  /** Horizontal Pod Autoscaler settings, passed to the chart as `autoscaling.*` values. */
  autoscaling: z.strictObject({
    /** Fewest replicas the HPA keeps. */
    minReplicas: z.number().int().min(1, { message: "must be at least 1" }),
    /** Most replicas the HPA may run; at least `minReplicas`. */
    maxReplicas: z.number().int().min(1, { message: "must be at least 1" }),
    /** Average CPU utilization (percent of requests) the HPA aims for. */
    targetCpuUtilization: z
      .number()
      .int()
      .min(10, { message: "must be between 10 and 95 percent" })
      .max(95, { message: "must be between 10 and 95 percent" }),
  }),
  /**
   * Binds the workload's Service to one of the platform ALB's `ip` target groups (a
   * TargetGroupBinding). @default - not exposed through the ALB
   */
  targetGroup: z
    .strictObject({
      /** Target group key in the platform's `targetGroupArns` (the ALB service name, e.g. "web"). */
      name: z.string().min(1),
      /** Port of the Service the pods are registered from. */
      servicePort: z.number().int().min(1).max(65535),
      /** Service name. @default the workload name */
      serviceName: dnsLabel(63).optional(),
    })
    .optional(),
  /** Pod security level of the workload's namespace. @default podSecurity.workloads */
  podSecurity: podSecurityLevel.optional(),
});

export const addonsSchema = z.strictObject({
  charts: addonChartsSchema,
  /**
   * Replicas of each cluster controller (load balancer controller, Karpenter, metrics-server,
   * External Secrets). From 2, each gets a PodDisruptionBudget; Karpenter spreads its replicas over
   * nodes, so this must not exceed the system node count.
   */
  controllerReplicas: replicas(3),
  /** Pod security level enforced per namespace (audit and warn are always `restricted`). */
  podSecurity: podSecuritySchema.prefault({}),
  /** Karpenter's node AMI, root volume and default NodePool. */
  karpenter: karpenterSchema,
  /** Prometheus, Alertmanager and their Slack channels. */
  monitoring: addonsMonitoringSchema,
  /** Argo CD's availability and replicas. */
  argoCd: argoCdSchema,
  /** Applications Argo CD deploys (GitOps), each with its autoscaling and optional ALB binding. */
  workloads: z.array(workloadSchema).default([]),
});

export type AddonsConfig = z.output<typeof addonsSchema>;
export type AddonsConfigInput = z.input<typeof addonsSchema>;
export type AddonCharts = z.output<typeof addonChartsSchema>;
// What the add-on modules take (modules/k8s/types.ts): each parsed section must be assignable to it.
export type PodSecurityLevel = Conforms<z.output<typeof podSecurityLevel>, ModulePodSecurityLevel>;
export type KarpenterConfig = Conforms<z.output<typeof karpenterSchema>, KarpenterSettings>;
export type KarpenterBudget = Conforms<z.output<typeof karpenterBudgetSchema>, ModuleKarpenterBudget>;
export type AddonsMonitoringConfig = Conforms<z.output<typeof addonsMonitoringSchema>, MonitoringSettings>;
export type ArgoCdConfig = Conforms<z.output<typeof argoCdSchema>, ArgoCdSettings>;
export type WorkloadConfig = z.output<typeof workloadSchema>;
