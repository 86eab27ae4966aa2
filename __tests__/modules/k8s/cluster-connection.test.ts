import { describe, expect, it } from "vitest";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { synthJson } from "../../helpers/synth";

describe("ClusterConnection", () => {
  const json = synthJson(k8sTestStack().stack);
  const expected = {
    host: "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
    cluster_ca_certificate: '${base64decode("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")}',
    token: "${data.aws_eks_cluster_auth.cluster_auth_B5B9EFD2.token}",
  };

  it("reads a short-lived token for the cluster from aws_eks_cluster_auth", () => {
    expect(json.data!.aws_eks_cluster_auth).toEqual({ cluster_auth_B5B9EFD2: { name: "flashcrowd-prod-eks" } });
  });

  it("gives helm (3.x: kubernetes as an object) and kubernetes the endpoint, CA and token, nothing else", () => {
    expect(json.provider!.helm).toEqual([{ kubernetes: expected }]);
    expect(json.provider!.kubernetes).toEqual([expected]);
  });
});
