import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildApp } from "../../src/app/app";
import { ADDON_CHARTS } from "../../src/config/addons";
import { ADDON_SERVICE_ACCOUNTS, POD_IDENTITY_ROLE_ANNOTATION } from "../../src/config/addons-contract";
import { placeholderAddonInputs } from "../helpers/addon-inputs";
import { synthAppWithAddons } from "../helpers/app";
import { configWith } from "../helpers/config";
import { listOf, parseJsonAttribute, releasesOf, resourcesOf, type TerraformJson, type Parsed } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

const config = fixtureConfig();
const { outdir, stacks } = synthAppWithAddons(config);
const stackOf = (id: string): TerraformJson => stacks.get(id)!;

/** The value a consumer reads from its platform's remote state for a placeholder resource attribute. */
const remote = (env: string, output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-${env}.outputs.cross-stack-output-${output}}`;

const ENVIRONMENTS = ["prod", "dev"] as const;

describe("the add-ons stacks", () => {
  it("exist once per environment, as the stack catalog lists them", () => {
    expect(Object.keys(buildApp(config, { clock: fixtureClock }).addons)).toEqual(["prod", "dev"]);
    expect([...stacks.keys()].filter((id) => id.endsWith("-addons")).sort()).toEqual(["dev-addons", "prod-addons"]);
  });

  it.each(ENVIRONMENTS)("%s-addons runs in its own workspace with exactly the aws, helm and kubernetes providers", (env) => {
    const json = stackOf(`${env}-addons`);
    expect((json.terraform!.cloud as { workspaces: { name: string } }).workspaces.name).toBe(`flashcrowd-${env}-addons`);
    const required = json.terraform!.required_providers as Record<string, { version: string }>;
    expect(Object.keys(required).sort()).toEqual(["aws", "helm", "kubernetes"]);
    expect(required.helm!.version).toBe("3.1.1");
    expect(required.kubernetes!.version).toBe("2.38.0");
    expect(json.provider!.aws![0]!.allowed_account_ids).toEqual([config.environments[env]!.account]);
  });

  it.each(ENVIRONMENTS)("%s-addons reads the state of its own platform workspace and of nothing else", (env) => {
    const remoteStates = resourcesOf({ resource: stackOf(`${env}-addons`).data } as TerraformJson, "terraform_remote_state");
    expect(remoteStates).toEqual({
      [`cross-stack-reference-input-${env}`]: {
        backend: "remote",
        config: { hostname: "app.terraform.io", organization: "flashcrowd", workspaces: { name: `flashcrowd-${env}` } },
      },
    });
  });

  it("makes the platform publish what the add-ons read as sensitive outputs", () => {
    const outputs = stackOf("prod").output!;
    const published = Object.keys(outputs).filter((k) => k.startsWith("cross-stack-output-"));
    expect(published).toEqual(expect.arrayContaining(["cross-stack-output-aws_eks_clusterplaceholder-eksendpoint", "cross-stack-output-aws_iam_roleplaceholder-lbcarn"]));
    for (const name of published) expect(outputs[name]!.sensitive, name).toBe(true);
  });

  it.each(ENVIRONMENTS)("%s-addons: helm and kubernetes talk to the platform's cluster with a short-lived EKS token", (env) => {
    const json = stackOf(`${env}-addons`);
    const [auth] = listOf({ resource: json.data } as TerraformJson, "aws_eks_cluster_auth");
    expect(auth!.name).toBe(remote(env, "aws_eks_clusterplaceholder-eksname"));
    const authRef = Object.keys(json.data!.aws_eks_cluster_auth!)[0];
    const expected = {
      host: remote(env, "aws_eks_clusterplaceholder-eksendpoint"),
      cluster_ca_certificate: `\${base64decode(${remote(env, "aws_eks_clusterplaceholder-ekscertificate_authority0data").slice(2, -1)})}`,
      token: `\${data.aws_eks_cluster_auth.${authRef}.token}`,
    };
    expect(json.provider!.helm).toEqual([{ kubernetes: expected }]);
    expect(json.provider!.kubernetes).toEqual([expected]);
  });
});

describe.each(ENVIRONMENTS)("%s-addons releases", (env) => {
  const json = stackOf(`${env}-addons`);
  const releases = releasesOf(json);
  const addons = config.environments[env]!.addons;
  const values = (name: string) => releases[name]!.values;

  it("pins every repository chart to the configured exact version", () => {
    const expected: Record<string, [string, string]> = {
      "aws-load-balancer-controller": ["aws-load-balancer-controller", ADDON_CHARTS.awsLoadBalancerController],
      "karpenter-crd": ["karpenter-crd", ADDON_CHARTS.karpenter],
      karpenter: ["karpenter", ADDON_CHARTS.karpenter],
      "metrics-server": ["metrics-server", ADDON_CHARTS.metricsServer],
      "prometheus-operator-crds": ["prometheus-operator-crds", ADDON_CHARTS.prometheusOperatorCrds],
      "kube-prometheus-stack": ["kube-prometheus-stack", ADDON_CHARTS.kubePrometheusStack],
      "argo-cd": ["argo-cd", ADDON_CHARTS.argoCd],
      "aws-for-fluent-bit": ["aws-for-fluent-bit", ADDON_CHARTS.awsForFluentBit],
      "external-secrets": ["external-secrets", ADDON_CHARTS.externalSecrets],
      "aws-ebs-csi-driver": ["aws-ebs-csi-driver", ADDON_CHARTS.awsEbsCsiDriver],
    };
    const remoteCharts = Object.values(releases).filter((r) => !r.chart.startsWith("./"));
    expect(Object.fromEntries(remoteCharts.map((r) => [r.config.name, [r.chart, r.version]]))).toEqual(expected);
    for (const r of remoteCharts) {
      expect(r.config.repository, r.chart).toMatch(/^(https:\/\/|oci:\/\/)/);
      expect(r.config, r.chart).toEqual(expect.objectContaining({ atomic: true, wait: true, cleanup_on_fail: true, create_namespace: false }));
    }
  });

  it("delivers custom resources through the shipped manifests chart, after the releases that install their CRDs", () => {
    const local = Object.values(releases).filter((r) => r.chart.startsWith("./"));
    const dependsOn = (name: string) => releases[name]!.config.depends_on as string[];
    expect(local.map((r) => r.config.name).sort()).toEqual(["argo-cd-applications", "external-secrets-config", "karpenter-node-pools", "target-group-bindings"]);
    expect(dependsOn("karpenter-node-pools")).toEqual([`helm_release.${releases.karpenter!.id}`]);
    expect(dependsOn("target-group-bindings")).toEqual([`helm_release.${releases["aws-load-balancer-controller"]!.id}`]);
    expect(dependsOn("external-secrets-config")).toEqual([`helm_release.${releases["external-secrets"]!.id}`]);
    expect(dependsOn("argo-cd-applications")).toEqual([`helm_release.${releases["argo-cd"]!.id}`]);
    for (const r of local) {
      const chartDir = join(outdir, "stacks", `${env}-addons`, r.chart);
      expect(parseYaml(readFileSync(join(chartDir, "Chart.yaml"), "utf8"))).toEqual(expect.objectContaining({ apiVersion: "v2", name: "manifests" }));
      expect(existsSync(join(chartDir, "templates", "manifests.yaml"))).toBe(true);
    }
    expect(listOf(json, "kubernetes_manifest")).toEqual([]);
  });

  it("installs CRDs from their own charts and skips the crds/ folders of the main charts", () => {
    expect(releases.karpenter!.config.skip_crds).toBe(true);
    expect(releases.karpenter!.config.depends_on).toEqual([`helm_release.${releases["karpenter-crd"]!.id}`]);
    expect(releases["kube-prometheus-stack"]!.config.skip_crds).toBe(true);
    expect(values("kube-prometheus-stack").crds).toEqual({ enabled: false });
  });

  it("runs every controller with the configured replicas", () => {
    const n = addons.controllerReplicas;
    expect(values("aws-load-balancer-controller").replicaCount).toBe(n);
    expect(values("karpenter").replicas).toBe(n);
    expect(values("metrics-server").replicas).toBe(n);
    expect(values("external-secrets").replicaCount).toBe(n);
    expect(values("aws-ebs-csi-driver").controller.replicaCount).toBe(n);
    expect(values("metrics-server").podDisruptionBudget.enabled).toBe(n > 1);
  });

  it("runs Argo CD highly available only where configured", () => {
    const argo = values("argo-cd");
    expect(argo["redis-ha"]).toEqual({ enabled: addons.argoCd.highAvailability });
    for (const component of ["server", "repoServer", "applicationSet"]) expect(argo[component].replicas).toBe(addons.argoCd.replicas);
    expect(argo.dex).toEqual({ enabled: false });
  });

  it("binds each add-on's service account to the platform's Pod Identity role", () => {
    const sa = (name: string, path: string[] = []) => path.reduce((v, k) => v[k], values(name)).serviceAccount;
    expect(sa("aws-load-balancer-controller")).toEqual({
      create: true,
      name: ADDON_SERVICE_ACCOUNTS.loadBalancerController.name,
      annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: remote(env, "aws_iam_roleplaceholder-lbcarn") },
    });
    expect(sa("karpenter").annotations[POD_IDENTITY_ROLE_ANNOTATION]).toBe(remote(env, "aws_iam_roleplaceholder-karpenterarn"));
    expect(sa("karpenter").name).toBe(ADDON_SERVICE_ACCOUNTS.karpenter.name);
    expect(sa("aws-for-fluent-bit").annotations[POD_IDENTITY_ROLE_ANNOTATION]).toBe(remote(env, "aws_iam_roleplaceholder-fluent-bitarn"));
    expect(sa("aws-for-fluent-bit").name).toBe(ADDON_SERVICE_ACCOUNTS.fluentBit.name);
    expect(releases["aws-for-fluent-bit"]!.namespace).toMatch(/kubernetes_namespace_v1\.namespace-amazon-cloudwatch/);
  });

  it("creates the Pod Identity roles of the add-ons only it knows, each bound to its service account", () => {
    const associations = listOf(json, "aws_eks_pod_identity_association").map((a) => [a.namespace, a.service_account, a.cluster_name]);
    const cluster = remote(env, "aws_eks_clusterplaceholder-eksname");
    expect(associations).toEqual([
      ["kube-system", "ebs-csi-controller-sa", cluster],
      ["external-secrets", "external-secrets", cluster],
    ]);
    const trust = parseJsonAttribute<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
      listOf(json, "aws_iam_role").find((r) => String(r.name).endsWith("external-secrets"))!.assume_role_policy,
    );
    expect(trust.Statement[0]!.Condition.StringEquals).toEqual({
      "aws:SourceAccount": config.environments[env]!.account,
      "aws:RequestTag/eks-cluster-arn": remote(env, "aws_eks_clusterplaceholder-eksarn"),
      "aws:RequestTag/kubernetes-namespace": "external-secrets",
      "aws:RequestTag/kubernetes-service-account": "external-secrets",
    });
  });

  it("points the load balancer controller and Karpenter at the platform's cluster, VPC and queue", () => {
    expect(values("aws-load-balancer-controller")).toEqual(
      expect.objectContaining({
        clusterName: remote(env, "aws_eks_clusterplaceholder-eksname"),
        vpcId: remote(env, "aws_vpcplaceholder-vpcid"),
        region: config.environments[env]!.region,
        createIngressClassResource: false,
        enableServiceMutatorWebhook: false,
      }),
    );
    expect(values("karpenter").settings).toEqual({
      clusterName: remote(env, "aws_eks_clusterplaceholder-eksname"),
      clusterEndpoint: remote(env, "aws_eks_clusterplaceholder-eksendpoint"),
      interruptionQueue: remote(env, "aws_sqs_queueplaceholder-queuename"),
    });
  });

  it("builds the NodePool and EC2NodeClass from config", () => {
    const manifests = values("karpenter-node-pools").manifests as Parsed[];
    const nodeClass = manifests.find((m: Parsed) => m.kind === "EC2NodeClass");
    const pool = manifests.find((m: Parsed) => m.kind === "NodePool");
    const cfg = addons.karpenter.nodePool;
    expect(nodeClass.spec.instanceProfile).toBe(remote(env, "aws_iam_instance_profileplaceholder-profilename"));
    expect(nodeClass.spec.metadataOptions).toEqual(expect.objectContaining({ httpTokens: "required", httpPutResponseHopLimit: 1 }));
    expect(nodeClass.spec.blockDeviceMappings[0].ebs).toEqual(expect.objectContaining({ encrypted: true, volumeType: "gp3", volumeSize: `${addons.karpenter.rootVolumeGi}Gi` }));
    expect(pool.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: cfg.instanceFamilies },
        { key: "karpenter.sh/capacity-type", operator: "In", values: cfg.capacityTypes },
      ]),
    );
    expect(pool.spec.limits).toEqual({ cpu: String(cfg.limits.cpu), memory: `${cfg.limits.memoryGi}Gi` });
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: cfg.consolidationPolicy, consolidateAfter: cfg.consolidateAfter, budgets: cfg.budgets });
  });

  it("keeps Prometheus data for the configured time on gp3 volumes of the configured size", () => {
    const spec = values("kube-prometheus-stack").prometheus.prometheusSpec;
    const p = addons.monitoring.prometheus;
    expect(spec.replicas).toBe(p.replicas);
    expect(spec.retention).toBe(p.retention);
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: "gp3",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${p.storageGi}Gi` } },
    });
    const storageClass = values("aws-ebs-csi-driver").storageClasses[0];
    expect(storageClass).toEqual(expect.objectContaining({ name: "gp3", parameters: { type: "gp3", encrypted: "true", kmsKeyId: remote(env, "aws_kms_keyplaceholder-keyarn") } }));
    expect(values("kube-prometheus-stack").defaultRules).toEqual({ create: true });
  });

  it("gives Grafana its admin credentials from a synced secret, never a password in values", () => {
    const grafana = values("kube-prometheus-stack").grafana;
    expect(grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(grafana).not.toHaveProperty("adminPassword");
    const external = (values("external-secrets-config").manifests as Parsed[]).find((m: Parsed) => m.kind === "ExternalSecret" && m.metadata.name === "grafana-admin");
    expect(external.spec.data.map((d: Parsed) => d.remoteRef)).toEqual([
      { key: remote(env, "aws_secretsmanager_secretplaceholder-grafana-adminarn"), property: "admin-user" },
      { key: remote(env, "aws_secretsmanager_secretplaceholder-grafana-adminarn"), property: "admin-password" },
    ]);
  });

  it("sends alerts to Slack by severity with the webhook read from a mounted secret file", () => {
    const am = values("kube-prometheus-stack").alertmanager;
    expect(am.alertmanagerSpec.secrets).toEqual(["alertmanager-slack"]);
    expect(am.alertmanagerSpec.replicas).toBe(addons.monitoring.alertmanager.replicas);
    const receivers = Object.fromEntries((am.config.receivers as Parsed[]).map((r) => [r.name, r.slack_configs ?? []]));
    const { critical, warning } = addons.monitoring.slackChannels;
    expect(receivers).toEqual({
      null: [],
      "slack-critical": [{ api_url_file: "/etc/alertmanager/secrets/alertmanager-slack/webhook-url", channel: critical, send_resolved: true }],
      "slack-warning": [{ api_url_file: "/etc/alertmanager/secrets/alertmanager-slack/webhook-url", channel: warning, send_resolved: true }],
    });
    const routes = (am.config.route.routes as Parsed[]).map((r) => [r.matchers[0], r.receiver]);
    expect(routes).toEqual(expect.arrayContaining([['severity = "critical"', "slack-critical"], ['severity = "warning"', "slack-warning"], ['severity = "info"', "null"]]));
    const external = (values("external-secrets-config").manifests as Parsed[]).find((m: Parsed) => m.metadata.name === "alertmanager-slack");
    expect(external.spec.data).toEqual([{ secretKey: "webhook-url", remoteRef: { key: remote(env, "aws_secretsmanager_secretplaceholder-alertmanager-slackarn") } }]);
  });

  it("lets External Secrets read exactly the two alerting secrets", () => {
    const policy = parseJsonAttribute<{ Statement: { Action: unknown; Resource: unknown; Condition?: unknown }[] }>(
      listOf(json, "aws_iam_role_policy").find((p) => String(p.role).includes("external-secrets"))!.policy,
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [remote(env, "aws_secretsmanager_secretplaceholder-grafana-adminarn"), remote(env, "aws_secretsmanager_secretplaceholder-alertmanager-slackarn")],
      }),
      expect.objectContaining({
        Action: "kms:Decrypt",
        Resource: remote(env, "aws_kms_keyplaceholder-keyarn"),
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${config.environments[env]!.region}.amazonaws.com` } },
      }),
    ]);
    const store = (values("external-secrets-config").manifests as Parsed[]).find((m: Parsed) => m.kind === "ClusterSecretStore");
    expect(store.spec.conditions).toEqual([{ namespaces: [expect.stringMatching(/kubernetes_namespace_v1\.namespace-monitoring/)] }]);
    expect(values("external-secrets")).toEqual(expect.objectContaining({ processSecretStore: false, processPushSecret: false }));
  });

  it("binds each exposed workload's Service to its platform target group", () => {
    const bindings = (values("target-group-bindings").manifests as Parsed[]).map((m) => [m.kind, m.metadata.name, m.spec]);
    expect(bindings).toEqual(
      addons.workloads.map((w) => [
        "TargetGroupBinding",
        w.name,
        { serviceRef: { name: w.name, port: w.targetGroup!.servicePort }, targetGroupARN: remote(env, `aws_lb_target_groupplaceholder-tg-${w.targetGroup!.name}arn`), targetType: "ip" },
      ]),
    );
  });

  it("deploys each workload with Argo CD, carrying its autoscaling settings as Helm values", () => {
    const manifests = values("argo-cd-applications").manifests as Parsed[];
    const apps = manifests.filter((m: Parsed) => m.kind === "Application");
    expect(apps.map((a) => a.metadata.name)).toEqual(addons.workloads.map((w) => w.name));
    addons.workloads.forEach((w, i) => {
      const app = apps[i];
      expect(app.spec.source).toEqual({
        repoURL: w.repoUrl,
        path: w.path,
        targetRevision: w.revision,
        helm: {
          valuesObject: {
            autoscaling: { enabled: true, minReplicas: w.autoscaling.minReplicas, maxReplicas: w.autoscaling.maxReplicas, targetCPUUtilizationPercentage: w.autoscaling.targetCpuUtilization },
          },
        },
      });
      expect(app.spec.destination.namespace).toMatch(new RegExp(`kubernetes_namespace_v1\\.namespace-${w.namespace}_`));
      expect(app.spec.project).toBe("workloads");
    });
    const project = manifests.find((m: Parsed) => m.kind === "AppProject");
    expect(project.spec.sourceRepos).toEqual([...new Set(addons.workloads.map((w) => w.repoUrl))]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
  });

  it("ships container logs to the platform's log group and archive prefix", () => {
    const fb = values("aws-for-fluent-bit");
    expect(fb.cloudWatchLogs).toEqual(expect.objectContaining({ enabled: true, logGroupName: remote(env, "aws_cloudwatch_log_groupplaceholder-logsname"), autoCreateGroup: false }));
    expect(fb.s3).toEqual(expect.objectContaining({ enabled: true, bucket: remote(env, "aws_s3_bucketplaceholder-bucketbucket") }));
    expect(fb.s3.s3KeyFormat).toBe("/eks-containers/$TAG/%Y/%m/%d/%H-%M-%S");
  });

  it("labels every namespace with its pod security level", () => {
    const labels = Object.fromEntries(
      listOf(json, "kubernetes_namespace_v1").map((n) => {
        const metadata = n.metadata as { name: string; labels: Record<string, string> };
        return [metadata.name, metadata.labels["pod-security.kubernetes.io/enforce"]];
      }),
    );
    const ps = addons.podSecurity;
    expect(labels).toEqual({
      monitoring: ps.monitoring,
      argocd: ps.argocd,
      "amazon-cloudwatch": ps.logging,
      "external-secrets": ps.externalSecrets,
      storefront: ps.workloads,
    });
  });

  it("installs monitoring after its storage, its secrets and Karpenter's node pool", () => {
    expect(releases["kube-prometheus-stack"]!.config.depends_on).toEqual([
      `helm_release.${releases["prometheus-operator-crds"]!.id}`,
      `helm_release.${releases["aws-ebs-csi-driver"]!.id}`,
      `helm_release.${releases["external-secrets-config"]!.id}`,
      `helm_release.${releases["karpenter-node-pools"]!.id}`,
    ]);
  });
});

describe("replicas differ by environment through config only", () => {
  it("runs single controllers and non-HA Argo CD in dev, replicated ones in prod", () => {
    const prod = releasesOf(stackOf("prod-addons"));
    const dev = releasesOf(stackOf("dev-addons"));
    expect([prod["aws-load-balancer-controller"]!.values.replicaCount, dev["aws-load-balancer-controller"]!.values.replicaCount]).toEqual([2, 1]);
    expect([prod["argo-cd"]!.values["redis-ha"].enabled, dev["argo-cd"]!.values["redis-ha"].enabled]).toEqual([true, false]);
    expect([prod["argo-cd"]!.values.server.replicas, dev["argo-cd"]!.values.server.replicas]).toEqual([2, 1]);
  });
});

describe("add-ons stack errors", () => {
  it("names the config field when a workload binds a target group the platform does not have", () => {
    const cfg = configWith((c) => {
      c.environments.dev!.addons.workloads![0]!.targetGroup = { name: "checkout", servicePort: 8080 };
    });
    expect(() => buildApp(cfg, { clock: fixtureClock, addonInputs: (p) => placeholderAddonInputs(p) })).toThrow(
      'environments.dev.addons.workloads[0].targetGroup.name: "checkout" is not a target group of the dev platform (it has: web, api)',
    );
  });
});
