import { describe, expect, it } from "vitest";
import { Peer, Port } from "../../../modules/core/connections";
import { CLUSTER_ADMIN_POLICY_ARN, EKS_LOG_TYPES, EksCluster, type EksClusterProps } from "../../../modules/compute/eks-cluster";
import { TEST_CLUSTER_ADMIN, testClusterProps } from "../../helpers/eks";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../../helpers/synth";
import { ACCOUNT, REGION, actionsOf, moduleStack, type PolicyJson } from "../../helpers/stack";

const ADMIN = TEST_CLUSTER_ADMIN;

function synthCluster(props: Partial<EksClusterProps> = {}, extra?: (cluster: EksCluster) => void): TerraformJson {
  const { stack } = moduleStack();
  const cluster = new EksCluster(stack, "eks", testClusterProps(props));
  extra?.(cluster);
  return synthJson(stack);
}

const clusterOf = (json: TerraformJson) => listOf(json, "aws_eks_cluster")[0]!;
const keyIdOf = (json: TerraformJson, alias: string) => {
  const entry = Object.entries(resourcesOf(json, "aws_kms_alias")).find(([, a]) => a.name === `alias/${alias}`)!;
  return entry[1].target_key_id as string;
};
const keyPolicyOf = (json: TerraformJson, alias: string): PolicyJson => {
  const keyRef = /aws_kms_key\.([^.]+)\.key_id/.exec(keyIdOf(json, alias))![1]!;
  return parseJsonAttribute<PolicyJson>(resourcesOf(json, "aws_kms_key")[keyRef]!.policy);
};
const ingressRules = (json: TerraformJson) => listOf(json, "aws_vpc_security_group_ingress_rule");

describe("EksCluster defaults", () => {
  const json = synthCluster();
  const cluster = clusterOf(json);

  it("has a private API endpoint only", () => {
    expect(cluster.vpc_config).toEqual(
      expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: false, subnet_ids: ["subnet-a", "subnet-b"] }),
    );
    expect((cluster.vpc_config as Record<string, unknown>).public_access_cidrs).toBeUndefined();
  });

  it("encrypts Kubernetes secrets with its own rotated customer key", () => {
    expect(cluster.encryption_config).toEqual({
      resources: ["secrets"],
      provider: { key_arn: expect.stringMatching(/^\$\{aws_kms_key\.eks_key_[A-Z0-9]+\.arn\}$/) },
    });
    expect(listOf(json, "aws_kms_key").every((k) => k.enable_key_rotation === true)).toBe(true);
  });

  it("sends all five control-plane log types to an encrypted, retained log group created first", () => {
    expect(cluster.enabled_cluster_log_types).toEqual([...EKS_LOG_TYPES]);
    expect(EKS_LOG_TYPES).toHaveLength(5);
    const [group] = Object.entries(resourcesOf(json, "aws_cloudwatch_log_group"));
    expect(group![1]).toEqual(
      expect.objectContaining({ name: "/aws/eks/flashcrowd-test-eks/cluster", retention_in_days: 90, kms_key_id: expect.stringContaining("aws_kms_key.eks_key_") }),
    );
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${group![0]}`);
  });

  it("lets CloudWatch Logs use the key for its log group only", () => {
    const statement = keyPolicyOf(json, "flashcrowd-test-eks").Statement.find((s) => s.Sid === "CloudWatchLogsControlPlane")!;
    expect(statement.Principal).toEqual({ Service: `logs.${REGION}.amazonaws.com` });
    expect(statement.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/flashcrowd-test-eks/cluster` },
    });
  });

  it("authenticates through access entries only and gives the creator no implicit admin", () => {
    expect(cluster.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
  });

  it("makes each configured principal cluster-admin through an access entry", () => {
    expect(listOf(json, "aws_eks_access_entry")).toEqual([expect.objectContaining({ principal_arn: ADMIN, type: "STANDARD" })]);
    expect(listOf(json, "aws_eks_access_policy_association")).toEqual([
      expect.objectContaining({ policy_arn: CLUSTER_ADMIN_POLICY_ARN, access_scope: { type: "cluster" } }),
    ]);
  });

  it("stays on standard support", () => {
    expect(cluster.upgrade_policy).toEqual({ support_type: "STANDARD" });
  });

  it("lets the control plane role use the secrets key and nothing else beyond the EKS policy", () => {
    const [policy] = listOf(json, "aws_iam_role_policy").filter((p) => p.name === "secrets-encryption");
    const doc = parseJsonAttribute<PolicyJson>(policy!.policy);
    expect(doc.Statement).toEqual([expect.objectContaining({ Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"] })]);
    expect(listOf(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toContain("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
  });

  it("installs the core add-ons at the configured versions, CoreDNS after the nodes", () => {
    const addons: Record<string, Record<string, unknown>> = Object.fromEntries(listOf(json, "aws_eks_addon").map((a) => [a.addon_name as string, a]));
    expect(Object.fromEntries(Object.entries(addons).map(([name, a]) => [name, a.addon_version]))).toEqual({
      "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
      "vpc-cni": "v1.19.5-eksbuild.1",
      "kube-proxy": "v1.33.0-eksbuild.2",
      coredns: "v1.12.1-eksbuild.2",
    });
    expect(addons.coredns!.depends_on).toEqual([expect.stringMatching(/^aws_eks_node_group\./)]);
    const group = listOf(json, "aws_eks_node_group")[0]!;
    expect((group.depends_on as string[]).filter((d) => d.startsWith("aws_eks_addon."))).toHaveLength(3);
  });

  it("tags the node security group for Karpenter discovery", () => {
    const nodeSg = listOf(json, "aws_security_group").find((sg) => sg.name === "flashcrowd-test-eks-nodes")!;
    expect(nodeSg.tags).toEqual(expect.objectContaining({ "karpenter.sh/discovery": "flashcrowd-test-eks" }));
  });

  it("admits traffic to the control plane and nodes only from each other, never from an address range", () => {
    expect(ingressRules(json).every((r) => r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined && r.prefix_list_id === undefined)).toBe(true);
    expect(ingressRules(json).every((r) => typeof r.description === "string" && (r.description as string).length > 0)).toBe(true);
  });

  it("runs the system nodes in the private subnets on the node security group", () => {
    const lt = listOf(json, "aws_launch_template")[0]!;
    expect(lt.vpc_security_group_ids).toEqual([expect.stringContaining("aws_security_group.eks_node-sg_")]);
    expect(listOf(json, "aws_eks_node_group")[0]!.subnet_ids).toEqual(["subnet-a", "subnet-b"]);
  });

  it("encrypts node volumes with a key any account principal may use through EC2 only", () => {
    const lt = listOf(json, "aws_launch_template")[0]!;
    expect((lt.block_device_mappings as { ebs: Record<string, unknown> }[])[0]!.ebs.kms_key_id).toEqual(expect.stringContaining("aws_kms_key.eks_node-volume-key_"));
    const statements = keyPolicyOf(json, "flashcrowd-test-eks-node-volumes").Statement;
    const use = statements.find((s) => s.Sid === "AccountPrincipalsThroughEc2")!;
    expect(use.Condition).toEqual({ StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": `ec2.${REGION}.amazonaws.com` } });
    const grant = statements.find((s) => s.Sid === "AccountPrincipalsGrantToEc2")!;
    expect(actionsOf(grant)).toEqual(["kms:CreateGrant"]);
    expect(grant.Condition!.Bool).toEqual({ "kms:GrantIsForAWSResource": "true" });
  });
});

describe("EksCluster options", () => {
  it("opens a public endpoint to the listed networks only", () => {
    const cluster = clusterOf(synthCluster({ publicAccessCidrs: ["203.0.113.0/24"] }));
    expect(cluster.vpc_config).toEqual(
      expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] }),
    );
  });

  it("refuses a public endpoint open to the internet", () => {
    expect(() => synthCluster({ publicAccessCidrs: ["0.0.0.0/0"] })).toThrow(/opens the Kubernetes API to the internet/);
  });

  it("refuses a cluster nobody can administer", () => {
    expect(() => synthCluster({ adminPrincipalArns: [] })).toThrow(/adminPrincipalArns is empty/);
  });

  it("gives view principals a read-only access entry (Secrets included) and no admin", () => {
    const viewer = "arn:aws:iam::210987654321:role/flashcrowd-prod-addons-tfc-plan";
    const json = synthCluster({ viewPrincipalArns: [viewer] });
    expect(listOf(json, "aws_eks_access_entry").map((e) => e.principal_arn)).toEqual([ADMIN, viewer]);
    expect(listOf(json, "aws_eks_access_policy_association").map((a) => a.policy_arn)).toEqual([
      CLUSTER_ADMIN_POLICY_ARN,
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
    ]);
  });

  it("refuses a principal listed as both admin and viewer, which would need two access entries", () => {
    expect(() => synthCluster({ viewPrincipalArns: [ADMIN] })).toThrow(/is in both adminPrincipalArns and viewPrincipalArns; a principal has one access entry/);
  });

  it("takes log retention, log types and support type from props", () => {
    const json = synthCluster({ logRetentionDays: 365, logTypes: ["audit"], supportType: "EXTENDED" });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]!.retention_in_days).toBe(365);
    expect(clusterOf(json).enabled_cluster_log_types).toEqual(["audit"]);
    expect(clusterOf(json).upgrade_policy).toEqual({ support_type: "EXTENDED" });
  });

  it("passes a hop limit of 2 to the system nodes when asked", () => {
    const lt = listOf(synthCluster({ metadataHopLimit: 2 }), "aws_launch_template")[0]!;
    expect(lt.metadata_options).toEqual(expect.objectContaining({ http_put_response_hop_limit: 2, http_tokens: "required" }));
  });

  it("admits a peer to the private API on 443 through the cluster security group (apiConnections)", () => {
    const json = synthCluster({}, (c) =>
      c.apiConnections.allowDefaultPortFrom(Peer.securityGroupId("sg-bastion"), { ingress: { id: "api-from-bastion", description: "Kubernetes API from the bastion" } }),
    );
    expect(ingressRules(json)).toContainEqual(
      expect.objectContaining({ referenced_security_group_id: "sg-bastion", from_port: 443, to_port: 443, description: "Kubernetes API from the bastion", security_group_id: expect.stringContaining("eks_cluster-sg_") }),
    );
  });

  it("admits a peer to one pod port through the node security group (connections)", () => {
    const json = synthCluster({}, (c) => c.connections.allowFrom(Peer.securityGroupId("sg-alb"), Port.tcp(8080), { ingress: { id: "pods-from-alb-8080", description: "Load balancer to pods" } }));
    expect(ingressRules(json)).toContainEqual(
      expect.objectContaining({ referenced_security_group_id: "sg-alb", from_port: 8080, to_port: 8080, security_group_id: expect.stringContaining("eks_node-sg_") }),
    );
  });

  it("adds EC2_LINUX access entries for other node roles", () => {
    const json = synthCluster({}, (c) => c.addNodeAccessEntry("karpenter", "arn:aws:iam::123456789012:role/karpenter-node"));
    expect(listOf(json, "aws_eks_access_entry")).toContainEqual(
      expect.objectContaining({ principal_arn: "arn:aws:iam::123456789012:role/karpenter-node", type: "EC2_LINUX" }),
    );
  });
});
