import type { Construct } from "constructs";
import { ArgoCd } from "../modules/k8s/argo-cd";
import { AwsLoadBalancerController, type TargetGroupBindingSpec } from "../modules/k8s/aws-load-balancer-controller";
import { ClusterConnection } from "../modules/k8s/cluster-connection";
import { EbsCsiDriver } from "../modules/k8s/ebs-csi-driver";
import { ExternalSecrets } from "../modules/k8s/external-secrets";
import { FluentBit } from "../modules/k8s/fluent-bit";
import { Karpenter } from "../modules/k8s/karpenter";
import { KubePrometheusStack } from "../modules/k8s/kube-prometheus-stack";
import { MetricsServer } from "../modules/k8s/metrics-server";
import { Namespace } from "../modules/k8s/namespace";
import type { Config, EnvironmentConfig } from "../src/config";
import { ADDON_SERVICE_ACCOUNTS, GRAFANA_ADMIN_SECRET_KEYS } from "../modules/k8s/contract";
import type { AddonInputs } from "../src/config/addons-contract";
import type { AddonsConfig } from "../src/config/addons-schema";
import { AwsStack } from "./base/aws-stack";
import { StackIds } from "../src/core/naming";

export interface AddonsStackProps {
  readonly config: Config;
  /** Key of `config.environments` whose cluster this stack fills; the stack id is `<environmentId>-addons`. */
  readonly environmentId: string;
  /** What the platform stack provides, as references to its resources (see addons-contract.ts). */
  readonly platform: AddonInputs;
}

/** Kubernetes secret names the alerting secrets are synced into (namespace `monitoring`). */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const SLACK_WEBHOOK_SECRET = { name: "alertmanager-slack", key: "webhook-url" } as const;

/**
 * Everything that runs inside an environment's EKS cluster, installed with Helm after the platform
 * stack created the cluster: storage, load balancer binding, node autoscaling, metrics, monitoring
 * and alerting, GitOps and log shipping. One per environment, `<env>-addons`.
 */
export class AddonsStack extends AwsStack {
  readonly environmentId: string;
  readonly env: EnvironmentConfig;
  readonly addons: AddonsConfig;
  readonly connection: ClusterConnection;
  readonly namespaces: Readonly<Record<string, Namespace>>;
  readonly ebsCsiDriver: EbsCsiDriver;
  readonly loadBalancerController: AwsLoadBalancerController;
  readonly karpenter: Karpenter;
  readonly metricsServer: MetricsServer;
  readonly externalSecrets: ExternalSecrets;
  readonly monitoring: KubePrometheusStack;
  readonly argoCd: ArgoCd;
  readonly fluentBit: FluentBit;

  constructor(scope: Construct, props: AddonsStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    const stackId = StackIds.addons(props.environmentId);
    super(scope, { config: props.config, stackId, environment: props.environmentId, target: env });
    this.environmentId = props.environmentId;
    this.env = env;
    const addons = (this.addons = env.addons);
    const platform = props.platform;
    const configPath = `environments.${props.environmentId}.addons`;

    this.connection = new ClusterConnection(this, "cluster", {
      clusterName: platform.clusterName,
      endpoint: platform.clusterEndpoint,
      certificateAuthorityData: platform.clusterCertificateAuthorityData,
    });
    const provider = this.connection.helm;
    const kubernetes = this.connection.kubernetes;
    const cluster = { clusterName: platform.clusterName, clusterArn: platform.clusterArn };

    // Namespaces first, each with its pod security level.
    const namespaces: Record<string, Namespace> = {};
    const namespace = (name: string, podSecurity: AddonsConfig["podSecurity"]["workloads"]) => {
      namespaces[name] ??= new Namespace(this, `namespace-${name}`, { name, podSecurity, provider: kubernetes });
      return namespaces[name];
    };
    const ps = addons.podSecurity;
    const monitoringNs = namespace("monitoring", ps.monitoring).name;
    const argocdNs = namespace("argocd", ps.argocd).name;
    const loggingNs = namespace(ADDON_SERVICE_ACCOUNTS.fluentBit.namespace, ps.logging).name;
    const secretsNs = namespace(ADDON_SERVICE_ACCOUNTS.externalSecrets.namespace, ps.externalSecrets).name;
    const workloadNs = new Map<string, string>();
    for (const w of addons.workloads) {
      workloadNs.set(w.namespace, namespace(w.namespace, w.podSecurity ?? ps.workloads).name);
    }
    this.namespaces = namespaces;

    // Storage, then the controllers.
    this.ebsCsiDriver = new EbsCsiDriver(this, "ebs-csi-driver", {
      ...cluster,
      version: addons.charts.awsEbsCsiDriver,
      replicas: addons.controllerReplicas,
      volumeTags: this.tags,
      kmsKeyArn: platform.volumeKmsKeyArn,
      provider,
    });

    const bindings: TargetGroupBindingSpec[] = addons.workloads.flatMap((w, i) => {
      if (!w.targetGroup) return [];
      const arn = platform.targetGroupArns[w.targetGroup.name];
      if (arn === undefined) {
        const known = Object.keys(platform.targetGroupArns).join(", ") || "none";
        throw new Error(
          `${configPath}.workloads[${i}].targetGroup.name: "${w.targetGroup.name}" is not a target group of the ${props.environmentId} platform (it has: ${known}); fix the name or add the service to the platform's ALB`,
        );
      }
      return [
        {
          name: w.name,
          namespace: workloadNs.get(w.namespace)!,
          serviceName: w.targetGroup.serviceName ?? w.name,
          servicePort: w.targetGroup.servicePort,
          targetGroupArn: arn,
        },
      ];
    });
    this.loadBalancerController = new AwsLoadBalancerController(this, "aws-load-balancer-controller", {
      version: addons.charts.awsLoadBalancerController,
      clusterName: platform.clusterName,
      vpcId: platform.vpcId,
      roleArn: platform.podIdentityRoleArns.loadBalancerController,
      replicas: addons.controllerReplicas,
      targetGroupBindings: bindings,
      provider,
    });

    this.karpenter = new Karpenter(this, "karpenter", {
      version: addons.charts.karpenter,
      clusterName: platform.clusterName,
      clusterEndpoint: platform.clusterEndpoint,
      interruptionQueueName: platform.karpenter.interruptionQueueName,
      nodeIdentity: platform.karpenter.nodeIdentity,
      controllerRoleArn: platform.podIdentityRoleArns.karpenterController,
      replicas: addons.controllerReplicas,
      settings: addons.karpenter,
      nodeTags: this.tags,
      volumeKmsKeyArn: platform.volumeKmsKeyArn,
      provider,
    });
    // Heavier releases wait for the NodePool, so their pods can get nodes beyond the system group.
    const capacity = this.karpenter.nodePools;

    this.metricsServer = new MetricsServer(this, "metrics-server", {
      version: addons.charts.metricsServer,
      replicas: addons.controllerReplicas,
      provider,
    });

    const secrets = platform.alertingSecrets;
    this.externalSecrets = new ExternalSecrets(this, "external-secrets", {
      ...cluster,
      version: addons.charts.externalSecrets,
      namespace: secretsNs,
      secretsKmsKeyArn: secrets.kmsKeyArn,
      replicas: addons.controllerReplicas,
      provider,
      secrets: [
        {
          name: GRAFANA_ADMIN_SECRET,
          namespace: monitoringNs,
          secretArn: secrets.grafanaAdminSecretArn,
          keys: [
            { key: GRAFANA_ADMIN_SECRET_KEYS.user, property: GRAFANA_ADMIN_SECRET_KEYS.user },
            { key: GRAFANA_ADMIN_SECRET_KEYS.password, property: GRAFANA_ADMIN_SECRET_KEYS.password },
          ],
        },
        {
          name: SLACK_WEBHOOK_SECRET.name,
          namespace: monitoringNs,
          secretArn: secrets.slackWebhookSecretArn,
          keys: [{ key: SLACK_WEBHOOK_SECRET.key }],
        },
      ],
    });

    this.monitoring = new KubePrometheusStack(this, "monitoring", {
      version: addons.charts.kubePrometheusStack,
      crdsVersion: addons.charts.prometheusOperatorCrds,
      namespace: monitoringNs,
      settings: addons.monitoring,
      storageClassName: this.ebsCsiDriver.storageClassName,
      grafanaAdminSecretName: GRAFANA_ADMIN_SECRET,
      slackWebhook: SLACK_WEBHOOK_SECRET,
      clusterName: platform.clusterName,
      dependsOn: [this.ebsCsiDriver.chart, this.externalSecrets.store, capacity],
      provider,
    });

    this.argoCd = new ArgoCd(this, "argo-cd", {
      version: addons.charts.argoCd,
      namespace: argocdNs,
      settings: addons.argoCd,
      workloads: addons.workloads.map((w) => ({ ...w, namespace: workloadNs.get(w.namespace)! })),
      dependsOn: [capacity],
      provider,
    });

    this.fluentBit = new FluentBit(this, "fluent-bit", {
      version: addons.charts.awsForFluentBit,
      namespace: loggingNs,
      roleArn: platform.podIdentityRoleArns.fluentBit,
      destinations: platform.containerLogs,
      provider,
    });
  }
}
