import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { provideEnvironment, type ModuleEnvironment } from "../../modules/core/environment";
import { ClusterConnection } from "../../modules/k8s/cluster-connection";
import { Naming } from "../../src/core/naming";

/**
 * A bare stack with AWS, helm and kubernetes providers, for one k8s module at a time. It provides
 * the environment of an add-ons stack: account 210987654321, ap-northeast-2, names
 * `flashcrowd-prod-addons-*` (`overrides` change it).
 */
export function k8sTestStack(overrides: Partial<ModuleEnvironment> = {}): { stack: TerraformStack; connection: ClusterConnection } {
  const stack = new TerraformStack(Testing.app(), "test");
  provideEnvironment(stack, { account: "210987654321", region: "ap-northeast-2", naming: new Naming("flashcrowd", "prod-addons"), ...overrides });
  new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
  const connection = new ClusterConnection(stack, "cluster", {
    clusterName: "flashcrowd-prod-eks",
    endpoint: "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
    certificateAuthorityData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
  });
  return { stack, connection };
}
