import type { AddonCharts, AddonsConfigInput } from "./addons-schema";
import { STOREFRONT_SERVICES } from "./storefront";

/**
 * Chart versions every environment installs. Bump one in a pull request of its own: the plan of
 * each `<env>-addons` workspace shows the upgrade, dev first.
 */
export const ADDON_CHARTS: AddonCharts = {
  awsLoadBalancerController: "3.5.0",
  karpenter: "1.14.1",
  metricsServer: "3.13.1",
  kubePrometheusStack: "88.5.3",
  // Must carry the CRDs of the operator kube-prometheus-stack runs (both v0.93.1 here).
  prometheusOperatorCrds: "31.0.1",
  argoCd: "10.1.1",
  awsForFluentBit: "0.2.0",
  externalSecrets: "2.9.0",
  awsEbsCsiDriver: "2.64.0",
};

/** Git repository holding the workloads' Helm charts. */
const DEPLOY_REPO = "https://github.com/flashcrowd/flashcrowd-deploy.git";

type Workload = NonNullable<AddonsConfigInput["workloads"]>[number];

/**
 * The storefront's workloads (Argo CD Applications bound to the ALB's `web` and `api` target
 * groups), at a chart revision and with each one's autoscaling.
 */
function storefrontWorkloads(revision: string, autoscaling: Record<"web" | "api", Workload["autoscaling"]>): Workload[] {
  const servicePort = (name: "web" | "api") => STOREFRONT_SERVICES.find((s) => s.name === name)!.port;
  return (["web", "api"] as const).map((name) => ({
    name,
    repoUrl: DEPLOY_REPO,
    path: `charts/${name}`,
    revision,
    namespace: "storefront",
    autoscaling: autoscaling[name],
    targetGroup: { name, servicePort: servicePort(name) },
  }));
}

/** prod: HA controllers and Argo CD, on-demand capacity, a quiet window for the evening sales. */
export const prodAddons: AddonsConfigInput = {
  charts: ADDON_CHARTS,
  controllerReplicas: 2,
  karpenter: {
    // Pin a release (al2023@v<date>) once the first prod cluster is up, then roll AMIs by pull request.
    amiAlias: "al2023@latest",
    rootVolumeGi: 50,
    nodePool: {
      instanceFamilies: ["m7i", "c7i", "r7i", "m6i", "c6i"],
      capacityTypes: ["on-demand"],
      architectures: ["amd64"],
      limits: { cpu: 400, memoryGi: 1600 },
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "5m",
      expireAfter: "720h",
      budgets: [
        { nodes: "10%" },
        // 19:00-01:00 KST (10:00-16:00 UTC): sales run in the evening; no voluntary node churn then.
        { nodes: "0", schedule: "0 10 * * *", duration: "6h" },
      ],
    },
  },
  monitoring: {
    prometheus: { replicas: 2, retention: "15d", storageGi: 100 },
    alertmanager: { replicas: 3, storageGi: 10 },
    slackChannels: { critical: "#flashcrowd-alerts-critical", warning: "#flashcrowd-alerts" },
  },
  argoCd: { highAvailability: true, replicas: 2 },
  workloads: storefrontWorkloads("v1.0.0", {
    web: { minReplicas: 3, maxReplicas: 30, targetCpuUtilization: 60 },
    api: { minReplicas: 3, maxReplicas: 50, targetCpuUtilization: 60 },
  }),
};

/** dev: single replicas, spot first, small limits and short retention. */
export const devAddons: AddonsConfigInput = {
  charts: ADDON_CHARTS,
  controllerReplicas: 1,
  karpenter: {
    amiAlias: "al2023@latest",
    rootVolumeGi: 30,
    nodePool: {
      instanceFamilies: ["m7i", "c7i", "t3"],
      capacityTypes: ["spot", "on-demand"],
      architectures: ["amd64"],
      limits: { cpu: 32, memoryGi: 128 },
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "1m",
      expireAfter: "168h",
      budgets: [{ nodes: "20%" }],
    },
  },
  monitoring: {
    prometheus: { replicas: 1, retention: "7d", storageGi: 20 },
    alertmanager: { replicas: 1, storageGi: 5 },
    slackChannels: { critical: "#flashcrowd-dev-alerts", warning: "#flashcrowd-dev-alerts" },
  },
  argoCd: { highAvailability: false, replicas: 1 },
  workloads: storefrontWorkloads("main", {
    web: { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 70 },
    api: { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 70 },
  }),
};
