import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ManifestsRelease, type KubernetesObject } from "./manifests-release";
import type { ArgoCdSettings } from "./types";

export const ARGO_CD_CHART: ChartSource = { repository: "https://argoproj.github.io/argo-helm", chart: "argo-cd" };

/** The AppProject every configured workload belongs to. */
export const WORKLOADS_PROJECT = "workloads";
const IN_CLUSTER = "https://kubernetes.default.svc";

/** A Helm chart in Git that Argo CD keeps deployed, with its autoscaling. */
export interface ArgoCdWorkload {
  /** Application name. */
  readonly name: string;
  readonly repoUrl: string;
  /** Chart folder in the repository. */
  readonly path: string;
  /** Git tag, branch or commit. */
  readonly revision: string;
  /** Destination namespace (created and labeled by the stack, never by Argo CD). */
  readonly namespace: string;
  readonly autoscaling: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilization: number;
  };
}

export interface ArgoCdProps {
  /** Exact chart version. */
  readonly version: string;
  readonly namespace: string;
  /** High availability (redis-ha) and replicas. */
  readonly settings: ArgoCdSettings;
  /** @default none: Argo CD is installed without Applications */
  readonly workloads?: readonly ArgoCdWorkload[];
  /** Releases to install first (capacity for the pods). @default none */
  readonly dependsOn?: (ChartRelease | ManifestsRelease)[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * Argo CD (GitOps) and one Application per workload, in an AppProject that may deploy only from the
 * workloads' repositories into their namespaces and may not create cluster-scoped objects, quotas
 * or limit ranges. Each Application passes the workload's autoscaling settings as Helm values
 * (`autoscaling.enabled/minReplicas/maxReplicas/targetCPUUtilizationPercentage`, the keys of a
 * `helm create` chart), so the HorizontalPodAutoscaler comes from typed config and is reconciled by
 * Argo CD; the Deployment's `replicas` is ignored in diffs so self-heal never fights the autoscaler.
 *
 * Dex is off (no SSO is configured); in HA mode Redis runs as redis-ha and the API server, repo
 * server and ApplicationSet controller are replicated with PodDisruptionBudgets.
 */
export class ArgoCd extends Construct {
  readonly chart: ChartRelease;
  /** The AppProject and Applications, when workloads are given. */
  readonly applications?: ManifestsRelease;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    const { highAvailability, replicas } = props.settings;
    if (highAvailability && replicas < 2) throw new Error(`${this.node.path}: high availability needs at least 2 replicas, got ${replicas}`);
    const pdb = { enabled: replicas > 1, ...(replicas > 1 ? { minAvailable: 1 } : {}) };
    this.chart = new ChartRelease(this, "chart", {
      name: "argo-cd",
      namespace: props.namespace,
      source: ARGO_CD_CHART,
      version: props.version,
      provider: props.provider,
      dependsOn: (props.dependsOn ?? []).map((d) => ("chartRelease" in d ? d.chartRelease.release : d.release)),
      values: {
        crds: { install: true, keep: true },
        dex: { enabled: false },
        "redis-ha": { enabled: highAvailability },
        controller: { replicas: 1 },
        server: { replicas, pdb },
        repoServer: { replicas, pdb },
        applicationSet: { replicas, pdb },
      },
    });

    const workloads = props.workloads ?? [];
    if (workloads.length === 0) return;
    const names = workloads.map((w) => w.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`${this.node.path}: workload "${duplicate}" is listed twice`);
    const project: KubernetesObject = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: WORKLOADS_PROJECT, namespace: props.namespace },
      spec: {
        description: "Workloads configured in flashcrowd-infra (addons.workloads)",
        sourceRepos: [...new Set(workloads.map((w) => w.repoUrl))],
        destinations: [...new Set(workloads.map((w) => w.namespace))].map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: [
          { group: "", kind: "ResourceQuota" },
          { group: "", kind: "LimitRange" },
        ],
      },
    };
    this.applications = new ManifestsRelease(this, "applications", {
      name: "argo-cd-applications",
      namespace: props.namespace,
      provider: props.provider,
      dependsOn: [this.chart.release],
      manifests: [project, ...workloads.map((w) => application(w, props.namespace))],
    });
  }
}

function application(w: ArgoCdWorkload, argoNamespace: string): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    // The finalizer makes deleting the Application delete what it deployed.
    metadata: { name: w.name, namespace: argoNamespace, finalizers: ["resources-finalizer.argocd.argoproj.io"] },
    spec: {
      project: WORKLOADS_PROJECT,
      source: {
        repoURL: w.repoUrl,
        path: w.path,
        targetRevision: w.revision,
        helm: {
          valuesObject: {
            autoscaling: {
              enabled: true,
              minReplicas: w.autoscaling.minReplicas,
              maxReplicas: w.autoscaling.maxReplicas,
              targetCPUUtilizationPercentage: w.autoscaling.targetCpuUtilization,
            },
          },
        },
      },
      destination: { server: IN_CLUSTER, namespace: w.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ["CreateNamespace=false", "RespectIgnoreDifferences=true"],
        retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
      },
      ignoreDifferences: [{ group: "apps", kind: "Deployment", jsonPointers: ["/spec/replicas"] }],
    },
  };
}
