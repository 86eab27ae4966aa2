import { describe, expect, it } from "vitest";
import { Karpenter, type KarpenterProps } from "../../../modules/k8s/karpenter";
import { configWith } from "../../helpers/config";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { releasesOf, synthJson, type Parsed } from "../../helpers/synth";

const settings = configWith().environments.dev!.addons.karpenter;
const base: KarpenterProps = {
  version: "1.14.1",
  clusterName: "flashcrowd-dev-eks",
  clusterEndpoint: "https://example.eks.amazonaws.com",
  interruptionQueueName: "flashcrowd-dev-karpenter-interruptions",
  nodeIdentity: { instanceProfile: "flashcrowd-dev-karpenter-node" },
  controllerRoleArn: "arn:aws:iam::310987654321:role/karpenter",
  replicas: 1,
  settings,
  nodeTags: { Project: "flashcrowd" },
};

function manifests(props: Partial<KarpenterProps> = {}) {
  const { stack } = k8sTestStack();
  new Karpenter(stack, "karpenter", { ...base, ...props });
  const all = releasesOf(synthJson(stack))["karpenter-node-pools"]!.values.manifests as Parsed[];
  return { nodeClass: all.find((m: Parsed) => m.kind === "EC2NodeClass"), pool: all.find((m: Parsed) => m.kind === "NodePool") };
}

describe("Karpenter", () => {
  it("names the instance profile the platform made and uses the aws/ebs key by default", () => {
    const { nodeClass } = manifests();
    expect(nodeClass.spec.instanceProfile).toBe("flashcrowd-dev-karpenter-node");
    expect(nodeClass.spec).not.toHaveProperty("role");
    expect(nodeClass.spec.blockDeviceMappings[0].ebs).not.toHaveProperty("kmsKeyID");
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": "flashcrowd-dev-eks" } }]);
    expect(nodeClass.spec.tags).toEqual({ Project: "flashcrowd" });
  });

  it("names a role instead when the platform leaves the instance profile to Karpenter, and takes a volume key", () => {
    const { nodeClass } = manifests({ nodeIdentity: { role: "flashcrowd-dev-karpenter-node" }, volumeKmsKeyArn: "arn:aws:kms:ap-northeast-2:310987654321:key/k" });
    expect(nodeClass.spec.role).toBe("flashcrowd-dev-karpenter-node");
    expect(nodeClass.spec).not.toHaveProperty("instanceProfile");
    expect(nodeClass.spec.blockDeviceMappings[0].ebs.kmsKeyID).toBe("arn:aws:kms:ap-northeast-2:310987654321:key/k");
  });

  it("passes budget windows and reasons through", () => {
    const budgets = [{ nodes: "0", schedule: "@daily", duration: "1h30m", reasons: ["Drifted" as const] }];
    const { pool } = manifests({ settings: { ...settings, nodePool: { ...settings.nodePool, budgets } } });
    expect(pool.spec.disruption.budgets).toEqual(budgets);
  });

  it("references the node class from the pool and keeps Linux nodes", () => {
    const { pool } = manifests();
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
    expect(pool.spec.template.spec.requirements).toContainEqual({ key: "kubernetes.io/os", operator: "In", values: ["linux"] });
    expect(pool.spec.template.spec.expireAfter).toBe(settings.nodePool.expireAfter);
  });
});
