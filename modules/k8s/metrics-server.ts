import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ChartRelease, type ChartSource } from "./chart-release";

export const METRICS_SERVER_CHART: ChartSource = {
  repository: "https://kubernetes-sigs.github.io/metrics-server/",
  chart: "metrics-server",
};

export interface MetricsServerProps {
  /** Exact chart version. */
  readonly version: string;
  /** Replicas; from 2 a PodDisruptionBudget keeps the metrics API (and so every HPA) up during drains. */
  readonly replicas: number;
  /**
   * Namespace.
   * @default "kube-system"
   */
  readonly namespace?: string;
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/** metrics-server: the resource metrics API that Horizontal Pod Autoscalers read CPU from. */
export class MetricsServer extends Construct {
  readonly chart: ChartRelease;

  constructor(scope: Construct, id: string, props: MetricsServerProps) {
    super(scope, id);
    this.chart = new ChartRelease(this, "chart", {
      name: "metrics-server",
      namespace: props.namespace ?? "kube-system",
      source: METRICS_SERVER_CHART,
      version: props.version,
      provider: props.provider,
      values: {
        replicas: props.replicas,
        podDisruptionBudget: props.replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
      },
    });
  }
}
