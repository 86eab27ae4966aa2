import type { TerraformStack } from "cdktf";
import { EksCluster, type EksClusterProps } from "../../modules/compute/eks-cluster";
import { ACCOUNT } from "./stack";

/** The role the test clusters give admin access to. */
export const TEST_CLUSTER_ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;

/** Props of a small EKS cluster for tests, with `overrides` applied. */
export function testClusterProps(overrides: Partial<EksClusterProps> = {}): EksClusterProps {
  return {
    clusterName: "flashcrowd-test-eks",
    version: "1.33",
    placement: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
    adminPrincipalArns: [TEST_CLUSTER_ADMIN],
    systemNodeGroup: { instanceTypes: ["m7i.large"], minSize: 2, maxSize: 4, desiredSize: 2 },
    addonVersions: { vpcCni: "v1.19.5-eksbuild.1", coredns: "v1.12.1-eksbuild.2", kubeProxy: "v1.33.0-eksbuild.2", podIdentityAgent: "v1.3.8-eksbuild.2" },
    ...overrides,
  };
}

/** A small EKS cluster for tests of the modules built around one. */
export function testCluster(stack: TerraformStack): EksCluster {
  return new EksCluster(stack, "eks", testClusterProps());
}
