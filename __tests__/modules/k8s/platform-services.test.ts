import { describe, expect, it } from "vitest";
import { ArgoCd, type ArgoCdWorkload } from "../../../modules/k8s/argo-cd";
import { ExternalSecrets, type ExternalSecretsProps } from "../../../modules/k8s/external-secrets";
import { FluentBit } from "../../../modules/k8s/fluent-bit";
import { KubePrometheusStack, type KubePrometheusStackProps } from "../../../modules/k8s/kube-prometheus-stack";
import { configWith } from "../../helpers/config";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { releasesOf, synthJson, type Parsed } from "../../helpers/synth";

const config = configWith();

describe("ExternalSecrets", () => {
  const secret = { name: "grafana-admin", namespace: "monitoring", secretArn: "arn:aws:secretsmanager:ap-northeast-2:1:secret:g", keys: [{ key: "admin-password", property: "admin-password" }] };
  const base: ExternalSecretsProps = {
    version: "2.9.0",
    namespace: "external-secrets",
    clusterName: "c",
    clusterArn: "arn:aws:eks:ap-northeast-2:210987654321:cluster/c",
    secretsKmsKeyArn: "arn:aws:kms:ap-northeast-2:210987654321:key/k",
    secrets: [secret],
    replicas: 1,
  };

  it("runs one operator without leader election and no disruption budgets when not replicated", () => {
    const { stack } = k8sTestStack();
    new ExternalSecrets(stack, "eso", base);
    const values = releasesOf(synthJson(stack))["external-secrets"]!.values;
    expect(values).toEqual(expect.objectContaining({ replicaCount: 1, leaderElect: false, podDisruptionBudget: { enabled: false }, installCRDs: true }));
    expect(values.rbac).toEqual({ aggregateToEdit: false, aggregateToAdmin: false });
  });

  it("elects a leader and keeps one of each component up when replicated", () => {
    const { stack } = k8sTestStack();
    new ExternalSecrets(stack, "eso", { ...base, replicas: 2 });
    const values = releasesOf(synthJson(stack))["external-secrets"]!.values;
    expect(values.leaderElect).toBe(true);
    for (const pdb of [values.podDisruptionBudget, values.webhook.podDisruptionBudget, values.certController.podDisruptionBudget]) expect(pdb).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("refuses nothing to sync and a secret synced twice", () => {
    const { stack } = k8sTestStack();
    expect(() => new ExternalSecrets(stack, "a", { ...base, secrets: [] })).toThrow(/no secrets to sync/);
    expect(() => new ExternalSecrets(stack, "b", { ...base, secrets: [secret, secret] })).toThrow(/monitoring\/grafana-admin is synced twice/);
  });
});

describe("KubePrometheusStack", () => {
  const base: KubePrometheusStackProps = {
    version: "88.5.3",
    crdsVersion: "31.0.1",
    namespace: "monitoring",
    settings: config.environments.prod!.addons.monitoring,
    storageClassName: "gp3",
    grafanaAdminSecretName: "grafana-admin",
    slackWebhook: { name: "alertmanager-slack", key: "webhook-url" },
    clusterName: "c",
  };
  const prometheusSpec = (props: Partial<KubePrometheusStackProps> = {}) => {
    const { stack } = k8sTestStack();
    new KubePrometheusStack(stack, "kps", { ...base, ...props });
    return releasesOf(synthJson(stack))["kube-prometheus-stack"]!.values.prometheus.prometheusSpec;
  };

  it("deletes the oldest data at 85% of the volume by default", () => {
    expect(prometheusSpec().retentionSize).toBe("85GB");
  });

  it("takes another share of the volume", () => {
    expect(prometheusSpec({ retentionSizeFraction: 0.5 }).retentionSize).toBe("50GB");
  });

  it("refuses a share that is not between 0 and 1", () => {
    expect(() => prometheusSpec({ retentionSizeFraction: 1 })).toThrow(/retentionSizeFraction must be between 0 and 1/);
  });

  it("does not scrape the control-plane targets EKS hides", () => {
    const { stack } = k8sTestStack();
    new KubePrometheusStack(stack, "kps", base);
    const values = releasesOf(synthJson(stack))["kube-prometheus-stack"]!.values;
    for (const component of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) expect(values[component]).toEqual({ enabled: false });
  });
});

describe("ArgoCd", () => {
  const workload: ArgoCdWorkload = { name: "web", repoUrl: "https://github.com/o/r.git", path: "charts/web", revision: "v1", namespace: "storefront", autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70 } };

  it("installs no AppProject or Applications without workloads", () => {
    const { stack } = k8sTestStack();
    new ArgoCd(stack, "argo", { version: "10.1.1", namespace: "argocd", settings: { highAvailability: false, replicas: 1 } });
    const releases = releasesOf(synthJson(stack));
    expect(Object.keys(releases)).toEqual(["argo-cd"]);
    expect(releases["argo-cd"]!.values.server).toEqual({ replicas: 1, pdb: { enabled: false } });
  });

  it("ignores the Deployment's replicas so self-heal never fights the autoscaler", () => {
    const { stack } = k8sTestStack();
    new ArgoCd(stack, "argo", { version: "10.1.1", namespace: "argocd", settings: { highAvailability: true, replicas: 2 }, workloads: [workload] });
    const releases = releasesOf(synthJson(stack));
    const app = (releases["argo-cd-applications"]!.values.manifests as Parsed[]).find((m: Parsed) => m.kind === "Application");
    expect(app.spec.ignoreDifferences).toEqual([{ group: "apps", kind: "Deployment", jsonPointers: ["/spec/replicas"] }]);
    expect(app.spec.syncPolicy.syncOptions).toEqual(["CreateNamespace=false", "RespectIgnoreDifferences=true"]);
    expect(releases["argo-cd"]!.values.server.pdb).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("refuses HA with one replica and a workload listed twice", () => {
    const { stack } = k8sTestStack();
    expect(() => new ArgoCd(stack, "a", { version: "10.1.1", namespace: "argocd", settings: { highAvailability: true, replicas: 1 } })).toThrow(/at least 2 replicas/);
    expect(() => new ArgoCd(stack, "b", { version: "10.1.1", namespace: "argocd", settings: { highAvailability: false, replicas: 1 }, workloads: [workload, workload] })).toThrow(/"web" is listed twice/);
  });
});

describe("FluentBit", () => {
  it("uses only the CloudWatch Logs and S3 outputs and never creates log groups", () => {
    const { stack } = k8sTestStack();
    new FluentBit(stack, "fb", {
      version: "0.2.0",
      namespace: "amazon-cloudwatch",
      roleArn: "arn:aws:iam::1:role/fb",
      destinations: { logGroupName: "/aws/eks/c/containers", archiveBucketName: "logs", archivePrefix: "eks-containers/" },
    });
    const values = releasesOf(synthJson(stack))["aws-for-fluent-bit"]!.values;
    expect(values.cloudWatchLogs).toEqual({ enabled: true, region: "ap-northeast-2", logGroupName: "/aws/eks/c/containers", logStreamPrefix: "container-", autoCreateGroup: false });
    for (const output of ["cloudWatch", "firehose", "kinesis", "elasticsearch"]) expect(values[output]).toEqual({ enabled: false });
    expect(values.s3.s3KeyFormat).toBe("/eks-containers/$TAG/%Y/%m/%d/%H-%M-%S");
  });
});
