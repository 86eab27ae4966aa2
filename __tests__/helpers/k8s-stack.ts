import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ClusterConnection } from "../../modules/k8s/cluster-connection";

/** A bare stack with AWS, helm and kubernetes providers, for one k8s module at a time. */
export function k8sTestStack(): { stack: TerraformStack; connection: ClusterConnection } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
  const connection = new ClusterConnection(stack, "cluster", {
    clusterName: "flashcrowd-prod-eks",
    endpoint: "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
    certificateAuthorityData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
  });
  return { stack, connection };
}
