import { describe, expect, it } from "vitest";
import { AddonPodIdentity, type AddonPodIdentityProps } from "../../../modules/k8s/addon-pod-identity";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";

const props: AddonPodIdentityProps = {
  roleName: "flashcrowd-prod-addons-demo",
  description: "demo",
  accountId: "210987654321",
  clusterName: "flashcrowd-prod-eks",
  clusterArn: "arn:aws:eks:ap-northeast-2:210987654321:cluster/flashcrowd-prod-eks",
  serviceAccount: { namespace: "demo", name: "demo-sa" },
  statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
};

describe("AddonPodIdentity", () => {
  it("trusts Pod Identity only for its account, cluster, namespace and service account, and binds it", () => {
    const { stack } = k8sTestStack();
    new AddonPodIdentity(stack, "demo", props);
    const json = synthJson(stack);
    const trust = parseJsonAttribute<{ Statement: unknown[] }>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": "210987654321",
            "aws:RequestTag/eks-cluster-arn": props.clusterArn,
            "aws:RequestTag/kubernetes-namespace": "demo",
            "aws:RequestTag/kubernetes-service-account": "demo-sa",
          },
        },
      },
    ]);
    expect(listOf(json, "aws_eks_pod_identity_association")[0]).toEqual(
      expect.objectContaining({ cluster_name: "flashcrowd-prod-eks", namespace: "demo", service_account: "demo-sa" }),
    );
    expect(listOf(json, "aws_iam_role_policy")).toHaveLength(1);
    expect(listOf(json, "aws_iam_role_policy_attachment")).toEqual([]);
  });

  it("attaches managed policies when given", () => {
    const { stack } = k8sTestStack();
    new AddonPodIdentity(stack, "demo", { ...props, statements: undefined, managedPolicyArns: ["arn:aws:iam::aws:policy/Demo"] });
    const json = synthJson(stack);
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toEqual(["arn:aws:iam::aws:policy/Demo"]);
    expect(listOf(json, "aws_iam_role_policy")).toEqual([]);
  });

  it("refuses a role with no permissions and a name IAM would reject", () => {
    const { stack } = k8sTestStack();
    expect(() => new AddonPodIdentity(stack, "a", { ...props, statements: [] })).toThrow(/can do nothing/);
    expect(() => new AddonPodIdentity(stack, "b", { ...props, roleName: "r".repeat(65) })).toThrow(/longer than IAM's 64/);
  });
});
