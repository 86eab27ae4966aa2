import { describe, expect, it } from "vitest";
import { AwsLoadBalancerController } from "../../../modules/k8s/aws-load-balancer-controller";
import { EbsCsiDriver, EBS_CSI_DRIVER_POLICY_ARN } from "../../../modules/k8s/ebs-csi-driver";
import { MetricsServer } from "../../../modules/k8s/metrics-server";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { listOf, releasesOf, synthJson } from "../../helpers/synth";

const cluster = {
  clusterName: "flashcrowd-prod-eks",
  clusterArn: "arn:aws:eks:ap-northeast-2:210987654321:cluster/flashcrowd-prod-eks",
};

describe("EbsCsiDriver", () => {
  const synth = (extra: Partial<ConstructorParameters<typeof EbsCsiDriver>[2]> = {}) => {
    const { stack } = k8sTestStack();
    new EbsCsiDriver(stack, "ebs", { ...cluster, version: "2.64.0", replicas: 1, volumeTags: { Project: "flashcrowd" }, ...extra });
    return synthJson(stack);
  };

  it("defaults to an encrypted, expandable, retained gp3 class on the aws/ebs key, made the default class", () => {
    const json = synth();
    const values = releasesOf(json)["aws-ebs-csi-driver"]!.values;
    expect(values.storageClasses).toEqual([
      {
        name: "gp3",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Retain",
        allowVolumeExpansion: true,
        parameters: { type: "gp3", encrypted: "true" },
      },
    ]);
    expect(values.controller.extraVolumeTags).toEqual({ Project: "flashcrowd" });
    expect(values.controller.podDisruptionBudget).toEqual({ enabled: false });
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual([EBS_CSI_DRIVER_POLICY_ARN]);
  });

  it("takes a customer key, a reclaim policy, a class name, and a PodDisruptionBudget from two replicas", () => {
    const values = releasesOf(synth({ kmsKeyArn: "arn:aws:kms:ap-northeast-2:210987654321:key/k", reclaimPolicy: "Delete", storageClassName: "fast", replicas: 2 }))["aws-ebs-csi-driver"]!.values;
    expect(values.storageClasses[0]).toEqual(expect.objectContaining({ name: "fast", reclaimPolicy: "Delete", parameters: { type: "gp3", encrypted: "true", kmsKeyId: "arn:aws:kms:ap-northeast-2:210987654321:key/k" } }));
    expect(values.controller.podDisruptionBudget).toEqual({ enabled: true });
  });
});

describe("AwsLoadBalancerController", () => {
  const base = { version: "3.5.0", clusterName: "c", vpcId: "vpc-0123", roleArn: "arn:aws:iam::210987654321:role/lbc" };

  it("installs no TargetGroupBinding release without bindings, and no PodDisruptionBudget for one replica", () => {
    const { stack } = k8sTestStack();
    new AwsLoadBalancerController(stack, "lbc", { ...base, replicas: 1 });
    const releases = releasesOf(synthJson(stack));
    expect(Object.keys(releases)).toEqual(["aws-load-balancer-controller"]);
    expect(releases["aws-load-balancer-controller"]!.values).not.toHaveProperty("podDisruptionBudget");
  });

  it("keeps one replica up during drains from two replicas", () => {
    const { stack } = k8sTestStack();
    new AwsLoadBalancerController(stack, "lbc", { ...base, replicas: 2 });
    expect(releasesOf(synthJson(stack))["aws-load-balancer-controller"]!.values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
  });

  it("binds services by ARN with ip targets and no networking section", () => {
    const { stack } = k8sTestStack();
    new AwsLoadBalancerController(stack, "lbc", {
      ...base,
      replicas: 1,
      targetGroupBindings: [{ name: "web", namespace: "storefront", serviceName: "web", servicePort: 3000, targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:210987654321:targetgroup/web/0123" }],
    });
    const [binding] = releasesOf(synthJson(stack))["target-group-bindings"]!.values.manifests;
    expect(binding).toEqual({
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata: { name: "web", namespace: "storefront" },
      spec: { serviceRef: { name: "web", port: 3000 }, targetGroupARN: "arn:aws:elasticloadbalancing:ap-northeast-2:210987654321:targetgroup/web/0123", targetType: "ip" },
    });
  });
});

describe("MetricsServer", () => {
  it("runs in kube-system by default, with a PodDisruptionBudget only when replicated", () => {
    const { stack } = k8sTestStack();
    new MetricsServer(stack, "one", { version: "3.13.1", replicas: 1 });
    const r = releasesOf(synthJson(stack))["metrics-server"]!;
    expect(r.namespace).toBe("kube-system");
    expect(r.values).toEqual({ replicas: 1, podDisruptionBudget: { enabled: false } });
  });

  it("takes a namespace and keeps one replica up from two", () => {
    const { stack } = k8sTestStack();
    new MetricsServer(stack, "two", { version: "3.13.1", replicas: 2, namespace: "metrics" });
    const r = releasesOf(synthJson(stack))["metrics-server"]!;
    expect(r.namespace).toBe("metrics");
    expect(r.values.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
  });
});
