/**
 * Rules of an environment's `addons` section that relate fields to each other. Each problem names
 * its field and the fix; validate.ts collects them with the rest of the configuration's problems.
 */
import type { AddonsConfig, PodSecurityLevel } from "./addons-schema";

/**
 * Namespaces the add-ons stack owns (or Kubernetes reserves): a workload may not run in them,
 * because their pod security level and contents are managed for the add-ons.
 */
export const RESERVED_NAMESPACES = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "monitoring",
  "argocd",
  "amazon-cloudwatch",
  "external-secrets",
] as const;

/** Five cron fields or a cron macro, as Karpenter accepts for a budget schedule. */
const CRON = /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;

export function validateAddons(path: string, addons: AddonsConfig, report: (path: string, message: string) => void): void {
  const at = (field: string) => `${path}.${field}`;

  // Pod security: DaemonSets that need the host.
  const needsPrivileged: [keyof AddonsConfig["podSecurity"], string][] = [
    ["monitoring", "node-exporter uses the host network, PID namespace and /proc, /sys"],
    ["logging", "Fluent Bit reads container logs from host paths (/var/log)"],
  ];
  for (const [field, why] of needsPrivileged) {
    const level = addons.podSecurity[field];
    if (level !== "privileged") {
      report(at(`podSecurity.${field}`), `"${level}" would reject pods the add-ons run there (${why}); set it to "privileged"`);
    }
  }

  // Argo CD.
  if (addons.argoCd.highAvailability && addons.argoCd.replicas < 2) {
    report(at("argoCd.replicas"), `is ${addons.argoCd.replicas} but highAvailability needs at least 2; raise replicas or turn highAvailability off`);
  }

  // Karpenter node pool.
  const pool = addons.karpenter.nodePool;
  duplicates(pool.instanceFamilies).forEach((f) => report(at("karpenter.nodePool.instanceFamilies"), `"${f}" is listed twice; list each family once`));
  duplicates(pool.capacityTypes).forEach((c) => report(at("karpenter.nodePool.capacityTypes"), `"${c}" is listed twice; list each capacity type once`));
  duplicates(pool.architectures).forEach((a) => report(at("karpenter.nodePool.architectures"), `"${a}" is listed twice; list each architecture once`));
  pool.budgets.forEach((budget, i) => {
    const budgetPath = at(`karpenter.nodePool.budgets[${i}]`);
    if ((budget.schedule === undefined) !== (budget.duration === undefined)) {
      report(budgetPath, "schedule and duration go together: give both (a window that repeats) or neither (always active)");
    }
    if (budget.schedule !== undefined && !CRON.test(budget.schedule.trim())) {
      report(`${budgetPath}.schedule`, `"${budget.schedule}" is not a cron schedule; use five fields in UTC like "0 10 * * *" or a macro like "@daily"`);
    }
  });
  if (pool.limits.memoryGi < pool.limits.cpu) {
    report(
      at("karpenter.nodePool.limits.memoryGi"),
      `${pool.limits.memoryGi} GiB for ${pool.limits.cpu} vCPUs is less than 1 GiB per vCPU, below every instance family; raise memoryGi`,
    );
  }

  // Workloads.
  const names = new Map<string, number>();
  const bindings = new Map<string, number>();
  const namespaceLevels = new Map<string, { level: PodSecurityLevel; index: number }>();
  addons.workloads.forEach((w, i) => {
    const wPath = at(`workloads[${i}]`);
    const first = names.get(w.name);
    if (first !== undefined) report(`${wPath}.name`, `"${w.name}" duplicates workloads[${first}].name; every workload needs its own name`);
    else names.set(w.name, i);

    if (w.autoscaling.minReplicas > w.autoscaling.maxReplicas) {
      report(`${wPath}.autoscaling.maxReplicas`, `${w.autoscaling.maxReplicas} is below minReplicas (${w.autoscaling.minReplicas}); raise maxReplicas or lower minReplicas`);
    }
    if ((RESERVED_NAMESPACES as readonly string[]).includes(w.namespace)) {
      report(`${wPath}.namespace`, `"${w.namespace}" is reserved for the cluster and its add-ons; give the workload its own namespace`);
    }
    const level = w.podSecurity ?? addons.podSecurity.workloads;
    const seen = namespaceLevels.get(w.namespace);
    if (seen && seen.level !== level) {
      report(
        `${wPath}.podSecurity`,
        `namespace "${w.namespace}" is "${seen.level}" for workloads[${seen.index}] but "${level}" here; workloads sharing a namespace need the same level`,
      );
    } else if (!seen) {
      namespaceLevels.set(w.namespace, { level, index: i });
    }
    if (w.targetGroup) {
      const bound = bindings.get(w.targetGroup.name);
      if (bound !== undefined) {
        report(`${wPath}.targetGroup.name`, `target group "${w.targetGroup.name}" is already bound by workloads[${bound}]; a target group serves one Service`);
      } else {
        bindings.set(w.targetGroup.name, i);
      }
    }
  });
}

function duplicates<T>(values: readonly T[]): T[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
