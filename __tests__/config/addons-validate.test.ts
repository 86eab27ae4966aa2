import { describe, expect, it } from "vitest";
import { type ConfigInput } from "../../src/config";
import type { AddonsConfigInput } from "../../src/config/addons-schema";
import { configWith, problemsOf } from "../helpers/config";


const prod = (c: ConfigInput): AddonsConfigInput => c.environments.prod!.addons;
const dev = (c: ConfigInput): AddonsConfigInput => c.environments.dev!.addons;
const workload = (c: ConfigInput, i: number) => prod(c).workloads![i]!;

describe("the repository's add-ons configuration", () => {
  it("is valid for every environment and fills the defaults", () => {
    const config = configWith();
    expect(config.environments.prod!.addons.podSecurity).toEqual({
      monitoring: "privileged",
      argocd: "baseline",
      logging: "privileged",
      externalSecrets: "restricted",
      workloads: "restricted",
    });
    expect(config.environments.dev!.addons.argoCd).toEqual({ highAvailability: false, replicas: 1 });
  });

  it("accepts an environment without workloads", () => {
    expect(configWith((c) => delete prod(c).workloads).environments.prod!.addons.workloads).toEqual([]);
  });
});

describe("invalid add-ons configurations", () => {
  const cases: [string, (c: ConfigInput) => void, string][] = [
    [
      "a chart version range",
      (c) => (prod(c).charts.karpenter = "^1.14.0"),
      'environments.prod.addons.charts.karpenter: must be an exact chart version like "1.14.1"',
    ],
    ["a chart version of latest", (c) => (dev(c).charts.argoCd = "latest"), "environments.dev.addons.charts.argoCd: must be an exact chart version"],
    ["a missing chart version", (c) => delete (prod(c).charts as Partial<AddonsConfigInput["charts"]>).metricsServer, "environments.prod.addons.charts.metricsServer: is required"],
    ["no controller replicas", (c) => (prod(c).controllerReplicas = 0), "environments.prod.addons.controllerReplicas: must be at least 1"],
    ["an unknown pod security level", (c) => (prod(c).podSecurity = { workloads: "strict" as "restricted" }), "environments.prod.addons.podSecurity.workloads: must be one of privileged, baseline, restricted"],
    [
      "monitoring stricter than node-exporter allows",
      (c) => (prod(c).podSecurity = { monitoring: "baseline" }),
      'environments.prod.addons.podSecurity.monitoring: "baseline" would reject pods the add-ons run there (node-exporter uses the host network, PID namespace and /proc, /sys); set it to "privileged"',
    ],
    [
      "logging stricter than Fluent Bit allows",
      (c) => (dev(c).podSecurity = { logging: "restricted" }),
      'environments.dev.addons.podSecurity.logging: "restricted" would reject pods the add-ons run there (Fluent Bit reads container logs from host paths (/var/log)); set it to "privileged"',
    ],
    [
      "Argo CD HA with one replica",
      (c) => (prod(c).argoCd = { highAvailability: true, replicas: 1 }),
      "environments.prod.addons.argoCd.replicas: is 1 but highAvailability needs at least 2; raise replicas or turn highAvailability off",
    ],
    ["an AMI alias without a family", (c) => (prod(c).karpenter.amiAlias = "latest"), 'environments.prod.addons.karpenter.amiAlias: must be an EKS AMI alias like "al2023@latest"'],
    ["no instance family", (c) => (prod(c).karpenter.nodePool.instanceFamilies = []), "environments.prod.addons.karpenter.nodePool.instanceFamilies: needs at least one instance family"],
    ["an instance type instead of a family", (c) => (prod(c).karpenter.nodePool.instanceFamilies = ["m7i.large"]), 'environments.prod.addons.karpenter.nodePool.instanceFamilies[0]: must be an EC2 instance family like "m7i"'],
    [
      "a family listed twice",
      (c) => (prod(c).karpenter.nodePool.instanceFamilies = ["m7i", "c7i", "m7i"]),
      'environments.prod.addons.karpenter.nodePool.instanceFamilies: "m7i" is listed twice; list each family once',
    ],
    ["an unknown capacity type", (c) => (dev(c).karpenter.nodePool.capacityTypes = ["reserved" as "spot"]), 'environments.dev.addons.karpenter.nodePool.capacityTypes[0]: must be "on-demand" or "spot"'],
    ["no capacity type", (c) => (dev(c).karpenter.nodePool.capacityTypes = []), "environments.dev.addons.karpenter.nodePool.capacityTypes: needs at least one capacity type"],
    [
      "a capacity type listed twice",
      (c) => (dev(c).karpenter.nodePool.capacityTypes = ["spot", "spot"]),
      'environments.dev.addons.karpenter.nodePool.capacityTypes: "spot" is listed twice',
    ],
    ["a zero CPU limit", (c) => (prod(c).karpenter.nodePool.limits.cpu = 0), "environments.prod.addons.karpenter.nodePool.limits.cpu: must be a positive number of vCPUs"],
    [
      "less memory than CPUs",
      (c) => (prod(c).karpenter.nodePool.limits = { cpu: 400, memoryGi: 100 }),
      "environments.prod.addons.karpenter.nodePool.limits.memoryGi: 100 GiB for 400 vCPUs is less than 1 GiB per vCPU",
    ],
    ["an unknown consolidation policy", (c) => (prod(c).karpenter.nodePool.consolidationPolicy = "Always" as "WhenEmpty"), 'environments.prod.addons.karpenter.nodePool.consolidationPolicy: must be "WhenEmpty" or "WhenEmptyOrUnderutilized"'],
    ["a consolidation delay in days", (c) => (prod(c).karpenter.nodePool.consolidateAfter = "1d"), 'environments.prod.addons.karpenter.nodePool.consolidateAfter: must be a duration like "30s", "5m", "1h" or "Never"'],
    ["no disruption budget", (c) => (prod(c).karpenter.nodePool.budgets = []), 'environments.prod.addons.karpenter.nodePool.budgets: needs at least one budget'],
    ["a budget node count that is not a number", (c) => (prod(c).karpenter.nodePool.budgets = [{ nodes: "ten" }]), 'environments.prod.addons.karpenter.nodePool.budgets[0].nodes: must be a whole number ("0", "2") or a percentage ("10%")'],
    [
      "a budget schedule without a duration",
      (c) => (prod(c).karpenter.nodePool.budgets = [{ nodes: "0", schedule: "0 10 * * *" }]),
      "environments.prod.addons.karpenter.nodePool.budgets[0]: schedule and duration go together",
    ],
    [
      "a budget duration without a schedule",
      (c) => (prod(c).karpenter.nodePool.budgets = [{ nodes: "0", duration: "6h" }]),
      "environments.prod.addons.karpenter.nodePool.budgets[0]: schedule and duration go together",
    ],
    [
      "a budget schedule that is not cron",
      (c) => (prod(c).karpenter.nodePool.budgets = [{ nodes: "0", schedule: "every evening", duration: "6h" }]),
      'environments.prod.addons.karpenter.nodePool.budgets[0].schedule: "every evening" is not a cron schedule',
    ],
    ["a budget duration in seconds", (c) => (prod(c).karpenter.nodePool.budgets = [{ nodes: "0", schedule: "@daily", duration: "30s" }]), 'environments.prod.addons.karpenter.nodePool.budgets[0].duration: must be hours and/or minutes like "8h"'],
    ["a Prometheus retention in minutes", (c) => (prod(c).monitoring.prometheus.retention = "90m"), 'environments.prod.addons.monitoring.prometheus.retention: must be a Prometheus duration like "15d"'],
    ["a tiny Prometheus volume", (c) => (prod(c).monitoring.prometheus.storageGi = 5), "environments.prod.addons.monitoring.prometheus.storageGi: must be at least 10 GiB"],
    ["a Slack channel without #", (c) => (prod(c).monitoring.slackChannels.critical = "alerts"), 'environments.prod.addons.monitoring.slackChannels.critical: must be a Slack channel name like "#alerts"'],
    ["a Slack webhook where a channel goes", (c) => (prod(c).monitoring.slackChannels.warning = "https://hooks.slack.com/services/T0/B0/X"), "environments.prod.addons.monitoring.slackChannels.warning: must be a Slack channel name"],
    ["an unknown monitoring field", (c) => ((prod(c).monitoring as Record<string, unknown>).slackWebhook = "x"), 'environments.prod.addons.monitoring: unknown field "slackWebhook"'],
    ["a duplicate workload name", (c) => (workload(c, 1).name = "web"), 'environments.prod.addons.workloads[1].name: "web" duplicates workloads[0].name'],
    ["a workload scaling below its minimum", (c) => (workload(c, 0).autoscaling = { minReplicas: 5, maxReplicas: 3, targetCpuUtilization: 60 }), "environments.prod.addons.workloads[0].autoscaling.maxReplicas: 3 is below minReplicas (5)"],
    ["a CPU target of 100%", (c) => (workload(c, 0).autoscaling.targetCpuUtilization = 100), "environments.prod.addons.workloads[0].autoscaling.targetCpuUtilization: must be between 10 and 95 percent"],
    ["a workload in kube-system", (c) => (workload(c, 0).namespace = "kube-system"), 'environments.prod.addons.workloads[0].namespace: "kube-system" is reserved for the cluster and its add-ons'],
    ["a workload in the monitoring namespace", (c) => (workload(c, 1).namespace = "monitoring"), 'environments.prod.addons.workloads[1].namespace: "monitoring" is reserved'],
    [
      "workloads sharing a namespace at different levels",
      (c) => (workload(c, 1).podSecurity = "baseline"),
      'environments.prod.addons.workloads[1].podSecurity: namespace "storefront" is "restricted" for workloads[0] but "baseline" here',
    ],
    [
      "two workloads bound to one target group",
      (c) => (workload(c, 1).targetGroup = { name: "web", servicePort: 8080 }),
      'environments.prod.addons.workloads[1].targetGroup.name: target group "web" is already bound by workloads[0]',
    ],
    ["a repository URL with a Terraform expression", (c) => (workload(c, 0).repoUrl = "https://github.com/${var.org}/deploy.git"), "environments.prod.addons.workloads[0].repoUrl: must be an https:// or ssh:// Git URL"],
    ["a plain-http repository", (c) => (workload(c, 0).repoUrl = "http://git.example.com/deploy.git"), "environments.prod.addons.workloads[0].repoUrl: must be an https:// or ssh:// Git URL"],
    ["a chart path leaving the repository", (c) => (workload(c, 0).path = "../other/chart"), 'environments.prod.addons.workloads[0].path: must be a relative folder inside the repository'],
    ["a revision with spaces", (c) => (workload(c, 0).revision = "release 1"), 'environments.prod.addons.workloads[0].revision: must be a Git tag, branch or commit'],
    ["a namespace that is not a DNS label", (c) => (workload(c, 0).namespace = "Store_Front"), "environments.prod.addons.workloads[0].namespace: must be a DNS label"],
    ["an environment without an addons section", (c) => delete (c.environments.dev as Partial<ConfigInput["environments"][string]>).addons, "environments.dev.addons: is required (object)"],
  ];

  it.each(cases)("reports %s", (_, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.startsWith(expected)), `${expected}\n  not in:\n  ${problems.join("\n  ")}`).toBe(true);
  });
});
