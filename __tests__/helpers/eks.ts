import type { TerraformStack } from "cdktf";
import { EksCluster, type EksClusterProps } from "../../modules/compute/eks-cluster";
import type { Naming } from "../../src/core/naming";
import { ACCOUNT, REGION } from "./stack";

/** The role the test clusters give admin access to. */
export const TEST_CLUSTER_ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;

/** Props of a small EKS cluster for tests, with `overrides` applied. */
export function testClusterProps(naming: Naming, overrides: Partial<EksClusterProps> = {}): EksClusterProps {
  return {
    naming,
    clusterName: "flashcrowd-test-eks",
    accountId: ACCOUNT,
    region: REGION,
    version: "1.33",
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    adminPrincipalArns: [TEST_CLUSTER_ADMIN],
    systemNodeGroup: { instanceTypes: ["m7i.large"], minSize: 2, maxSize: 4, desiredSize: 2 },
    addonVersions: { vpcCni: "v1.19.5-eksbuild.1", coredns: "v1.12.1-eksbuild.2", kubeProxy: "v1.33.0-eksbuild.2", podIdentityAgent: "v1.3.8-eksbuild.2" },
    ...overrides,
  };
}

/** A small EKS cluster for tests of the modules built around one. */
export function testCluster(stack: TerraformStack, naming: Naming): EksCluster {
  return new EksCluster(stack, "eks", testClusterProps(naming));
}
