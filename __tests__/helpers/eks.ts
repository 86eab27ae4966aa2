import type { TerraformStack } from "cdktf";
import { EksCluster } from "../../modules/compute/eks-cluster";
import type { Naming } from "../../src/config/naming";
import { ACCOUNT, REGION } from "./module-stack";

/** A small EKS cluster for tests of the modules built around one. */
export function testCluster(stack: TerraformStack, naming: Naming): EksCluster {
  return new EksCluster(stack, "eks", {
    naming,
    clusterName: "flashcrowd-test-eks",
    accountId: ACCOUNT,
    region: REGION,
    version: "1.33",
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    adminPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/platform-admin`],
    systemNodeGroup: { instanceTypes: ["m7i.large"], minSize: 1, maxSize: 2, desiredSize: 1 },
    addonVersions: { vpcCni: "v1.19.5-eksbuild.1", coredns: "v1.12.1-eksbuild.2", kubeProxy: "v1.33.0-eksbuild.2", podIdentityAgent: "v1.3.8-eksbuild.2" },
  });
}
