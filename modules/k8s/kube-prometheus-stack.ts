import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ChartRelease, type ChartSource } from "./chart-release";
import { GRAFANA_ADMIN_SECRET_KEYS } from "./contract";
import type { ManifestsRelease } from "./manifests-release";
import type { MonitoringSettings } from "./types";

export const KUBE_PROMETHEUS_STACK_CHART: ChartSource = {
  repository: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
};
export const PROMETHEUS_OPERATOR_CRDS_CHART: ChartSource = {
  repository: "https://prometheus-community.github.io/helm-charts",
  chart: "prometheus-operator-crds",
};

/** Where Alertmanager mounts a secret listed in `alertmanagerSpec.secrets`. */
const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

/** A key of a Kubernetes secret. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface KubePrometheusStackProps {
  /** Exact kube-prometheus-stack chart version. */
  readonly version: string;
  /** Exact prometheus-operator-crds chart version (the CRDs of the operator that chart runs). */
  readonly crdsVersion: string;
  readonly namespace: string;
  /** Retention, storage, replicas and Slack channels. */
  readonly settings: MonitoringSettings;
  /** Storage class of the Prometheus and Alertmanager volumes (gp3). */
  readonly storageClassName: string;
  /** Kubernetes secret with Grafana's admin user and password (keys of GRAFANA_ADMIN_SECRET_KEYS). */
  readonly grafanaAdminSecretName: string;
  /** Kubernetes secret key holding the Slack webhook URL; mounted into Alertmanager as a file. */
  readonly slackWebhook: SecretKeyRef;
  /** Cluster name, added to every series and alert as the `cluster` label. */
  readonly clusterName: string;
  /**
   * Share of each Prometheus volume after which the oldest data is deleted, whatever its age.
   * @default 0.85 - the volume never fills up before the retention period ends
   */
  readonly retentionSizeFraction?: number;
  /** Releases and objects that must exist first: the storage driver, the secrets, capacity for the pods. */
  readonly dependsOn?: (ChartRelease | ManifestsRelease)[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * Prometheus, Alertmanager and Grafana (kube-prometheus-stack) with the chart's default alert and
 * recording rules and dashboards:
 * - CRDs from `prometheus-operator-crds` (Helm upgrades them; it never upgrades a chart's `crds/`);
 * - Prometheus retention by time and by size, on gp3 volumes; ServiceMonitors, PodMonitors and rules
 *   of every namespace are picked up;
 * - the control-plane targets EKS does not expose (controller manager, scheduler, etcd, kube-proxy
 *   metrics) are not scraped, so their rules do not fire TargetDown forever;
 * - Alertmanager routes by severity: critical and warning to their Slack channels, info and the
 *   Watchdog heartbeat nowhere. The webhook URL is read from a mounted secret file (`api_url_file`),
 *   Grafana's admin credentials from an existing secret: neither value is in the Helm values.
 */
export class KubePrometheusStack extends Construct {
  readonly crds: ChartRelease;
  readonly chart: ChartRelease;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps) {
    super(scope, id);
    const { prometheus, alertmanager, slackChannels } = props.settings;
    const fraction = props.retentionSizeFraction ?? 0.85;
    if (!(fraction > 0 && fraction < 1)) throw new Error(`${this.node.path}: retentionSizeFraction must be between 0 and 1, got ${fraction}`);
    const dependsOn = (props.dependsOn ?? []).map((d) => ("chartRelease" in d ? d.chartRelease.release : d.release));

    this.crds = new ChartRelease(this, "crds", {
      name: "prometheus-operator-crds",
      namespace: props.namespace,
      source: PROMETHEUS_OPERATOR_CRDS_CHART,
      version: props.crdsVersion,
      provider: props.provider,
      values: {},
    });

    const volume = (gi: number) => ({
      volumeClaimTemplate: {
        spec: {
          storageClassName: props.storageClassName,
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: `${gi}Gi` } },
        },
      },
    });
    const slackWebhookFile = `${ALERTMANAGER_SECRETS_DIR}/${props.slackWebhook.name}/${props.slackWebhook.key}`;
    const slack = (channel: string) => ({ api_url_file: slackWebhookFile, channel, send_resolved: true });

    this.chart = new ChartRelease(this, "chart", {
      name: "kube-prometheus-stack",
      namespace: props.namespace,
      source: KUBE_PROMETHEUS_STACK_CHART,
      version: props.version,
      provider: props.provider,
      skipCrds: true,
      dependsOn: [this.crds.release, ...dependsOn],
      values: {
        crds: { enabled: false },
        defaultRules: { create: true },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        prometheus: {
          prometheusSpec: {
            replicas: prometheus.replicas,
            retention: prometheus.retention,
            retentionSize: `${Math.floor(prometheus.storageGi * fraction)}GB`,
            storageSpec: volume(prometheus.storageGi),
            externalLabels: { cluster: props.clusterName },
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        alertmanager: {
          alertmanagerSpec: {
            replicas: alertmanager.replicas,
            secrets: [props.slackWebhook.name],
            storage: volume(alertmanager.storageGi),
          },
          config: {
            route: {
              receiver: "slack-warning",
              group_by: ["namespace", "alertname"],
              group_wait: "30s",
              group_interval: "5m",
              repeat_interval: "12h",
              routes: [
                { receiver: "null", matchers: ['alertname = "Watchdog"'] },
                { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
                { receiver: "slack-critical", matchers: ['severity = "critical"'], repeat_interval: "1h" },
                { receiver: "slack-warning", matchers: ['severity = "warning"'] },
                { receiver: "null", matchers: ['severity = "info"'] },
              ],
            },
            receivers: [
              { name: "null" },
              { name: "slack-critical", slack_configs: [slack(slackChannels.critical)] },
              { name: "slack-warning", slack_configs: [slack(slackChannels.warning)] },
            ],
          },
        },
        grafana: {
          admin: {
            existingSecret: props.grafanaAdminSecretName,
            userKey: GRAFANA_ADMIN_SECRET_KEYS.user,
            passwordKey: GRAFANA_ADMIN_SECRET_KEYS.password,
          },
          defaultDashboardsEnabled: true,
        },
      },
    });
  }
}
