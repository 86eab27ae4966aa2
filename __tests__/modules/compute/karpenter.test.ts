import { describe, expect, it } from "vitest";
import { KARPENTER_INTERRUPTION_EVENTS, Karpenter, type KarpenterProps } from "../../../modules/compute/karpenter";
import { NODE_ROLE_MANAGED_POLICIES } from "../../../modules/compute/eks-node-group";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../../helpers/synth";
import { testCluster } from "../../helpers/eks";
import { REGION, actionsOf, moduleStack, type PolicyJson } from "../../helpers/stack";

function synthKarpenter(props: Partial<KarpenterProps> = {}): TerraformJson {
  const { stack } = moduleStack();
  const cluster = testCluster(stack);
  new Karpenter(stack, "karpenter", { cluster, ...props });
  return synthJson(stack);
}

const controllerPolicy = (json: TerraformJson) =>
  parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy").find((p) => p.name === "karpenter-controller")!.policy);
const statement = (json: TerraformJson, sid: string) => controllerPolicy(json).Statement.find((s) => s.Sid === sid)!;

describe("Karpenter defaults", () => {
  const json = synthKarpenter();

  it("keeps interruption messages five minutes in a queue encrypted with SQS-managed keys", () => {
    expect(listOf(json, "aws_sqs_queue")).toEqual([
      expect.objectContaining({ name: "flashcrowd-test-karpenter-interruptions", message_retention_seconds: 300, sqs_managed_sse_enabled: true }),
    ]);
  });

  it("routes spot interruptions, rebalance recommendations, state changes and scheduled changes to the queue", () => {
    const patterns = listOf(json, "aws_cloudwatch_event_rule").map((r) => parseJsonAttribute(r.event_pattern));
    expect(patterns).toHaveLength(4);
    expect(patterns).toEqual(expect.arrayContaining(Object.values(KARPENTER_INTERRUPTION_EVENTS)));
    expect(patterns.map((p) => (p as { "detail-type": string[] })["detail-type"][0]).sort()).toEqual([
      "AWS Health Event",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    const targets = listOf(json, "aws_cloudwatch_event_target");
    expect(targets).toHaveLength(4);
    expect(targets.every((t) => /^\$\{aws_sqs_queue\.karpenter_queue_[A-Z0-9]+\.arn\}$/.test(t.arn as string))).toBe(true);
  });

  it("accepts messages from those four rules only, and over TLS only", () => {
    const policy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_sqs_queue_policy")[0]!.policy);
    const allow = policy.Statement.find((s) => s.Sid === "EventBridgeInterruptionRules")!;
    expect(allow.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(actionsOf(allow)).toEqual(["sqs:SendMessage"]);
    const sources = allow.Condition!.ArnEquals!["aws:SourceArn"] as string[];
    const ruleRefs = Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule")).map((id) => `\${aws_cloudwatch_event_rule.${id}.arn}`);
    expect([...sources].sort()).toEqual([...ruleRefs].sort());
    expect(sources).toHaveLength(4);
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
  });

  it("gives launched nodes a role with the node policies, an instance profile and an EC2_LINUX access entry", () => {
    const nodeRole = listOf(json, "aws_iam_role").find((r) => r.name === "flashcrowd-test-karpenter-node")!;
    expect(nodeRole).toBeDefined();
    const attached = Object.entries(resourcesOf(json, "aws_iam_role_policy_attachment"))
      .filter(([id]) => id.startsWith("karpenter_"))
      .map(([, a]) => a.policy_arn);
    expect(attached).toEqual([...NODE_ROLE_MANAGED_POLICIES]);
    expect(listOf(json, "aws_iam_instance_profile")).toEqual([expect.objectContaining({ name: "flashcrowd-test-karpenter-node" })]);
    expect(listOf(json, "aws_eks_access_entry")).toContainEqual(
      expect.objectContaining({ type: "EC2_LINUX", principal_arn: expect.stringContaining("aws_iam_role.karpenter_node-role_") }),
    );
  });

  it("binds the controller role to kube-system/karpenter", () => {
    expect(listOf(json, "aws_eks_pod_identity_association")).toEqual([
      expect.objectContaining({ namespace: "kube-system", service_account: "karpenter" }),
    ]);
  });

  it("lets the controller launch only with the cluster's ownership tags", () => {
    const create = statement(json, "CreateOnlyWithClusterTags");
    expect(create.Condition!.StringEquals).toEqual({
      "aws:RequestTag/kubernetes.io/cluster/flashcrowd-test-eks": "owned",
      "aws:RequestTag/eks:eks-cluster-name": "flashcrowd-test-eks",
    });
    const terminate = statement(json, "DeleteOnlyOwn");
    expect(actionsOf(terminate)).toEqual(["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]);
    expect(terminate.Condition!.StringEquals).toEqual({ "aws:ResourceTag/kubernetes.io/cluster/flashcrowd-test-eks": "owned" });
  });

  it("scopes reads to the region, the queue to its own, PassRole to the node role for EC2", () => {
    expect(statement(json, "ReadInThisRegion").Condition).toEqual({ StringEquals: { "aws:RequestedRegion": REGION } });
    expect(statement(json, "ConsumeInterruptionQueue").Resource).toMatch(/^\$\{aws_sqs_queue\.karpenter_queue_[A-Z0-9]+\.arn\}$/);
    const pass = statement(json, "PassNodeRole");
    expect(pass.Resource).toMatch(/^\$\{aws_iam_role\.karpenter_node-role_[A-Z0-9]+\.arn\}$/);
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
  });

  it("does not let the controller create or change instance profiles or roles", () => {
    const actions = controllerPolicy(json).Statement.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith("iam:"))).toEqual(["iam:PassRole", "iam:GetInstanceProfile"]);
    expect(actions.some((a) => a.includes("*"))).toBe(false);
  });
});

describe("Karpenter options", () => {
  it("takes the namespace, service account and message retention from props", () => {
    const json = synthKarpenter({ namespace: "karpenter", serviceAccount: "controller", messageRetentionSeconds: 600 });
    expect(listOf(json, "aws_eks_pod_identity_association")).toEqual([expect.objectContaining({ namespace: "karpenter", service_account: "controller" })]);
    expect(listOf(json, "aws_sqs_queue")[0]!.message_retention_seconds).toBe(600);
    const trust = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role").find((r) => r.name === "flashcrowd-test-karpenter-controller")!.assume_role_policy);
    expect(trust.Statement[0]!.Condition!.StringEquals).toEqual(
      expect.objectContaining({ "aws:RequestTag/kubernetes-namespace": "karpenter", "aws:RequestTag/kubernetes-service-account": "controller" }),
    );
  });
});
