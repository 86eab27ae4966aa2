import { describe, expect, it } from "vitest";
import { PodIdentityRole } from "../../../modules/compute/pod-identity-role";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";
import { ACCOUNT, moduleStack, type PolicyJson } from "../../helpers/stack";

const CLUSTER_ARN = `arn:aws:eks:ap-northeast-2:${ACCOUNT}:cluster/flashcrowd-test-eks`;

function synthRole(statements = [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"] }], managedPolicyArns?: string[]) {
  const { stack } = moduleStack();
  new PodIdentityRole(stack, "role", {
    name: "app",
    description: "app",
    clusterName: "flashcrowd-test-eks",
    clusterArn: CLUSTER_ARN,
    namespace: "shop",
    serviceAccount: "checkout",
    statements,
    managedPolicyArns,
  });
  return synthJson(stack);
}

describe("PodIdentityRole", () => {
  const json = synthRole();

  it("is trusted by Pod Identity only for this cluster, namespace and service account", () => {
    const trust = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": ACCOUNT,
            "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN,
            "aws:RequestTag/kubernetes-namespace": "shop",
            "aws:RequestTag/kubernetes-service-account": "checkout",
          },
        },
      },
    ]);
  });

  it("binds the role to the service account with a Pod Identity association", () => {
    expect(listOf(json, "aws_eks_pod_identity_association")).toEqual([
      expect.objectContaining({ cluster_name: "flashcrowd-test-eks", namespace: "shop", service_account: "checkout", role_arn: expect.stringMatching(/^\$\{aws_iam_role\.role_[A-Z0-9]+\.arn\}$/) }),
    ]);
  });

  it("carries exactly the given permissions as an inline policy", () => {
    const policy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy")[0]!.policy);
    expect(policy.Statement).toEqual([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }]);
    expect(listOf(json, "aws_iam_role_policy_attachment")).toEqual([]);
  });

  it("refuses a role without permissions", () => {
    expect(() => synthRole([])).toThrow(/needs policy statements or managed policies; without them it can do nothing/);
  });

  it("attaches AWS managed policies instead of an inline policy when given only those", () => {
    const json = synthRole([], ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    expect(listOf(json, "aws_iam_role_policy")).toEqual([]);
    expect(listOf(json, "aws_iam_role_policy_attachment")).toEqual([
      expect.objectContaining({ policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }),
    ]);
  });
});
