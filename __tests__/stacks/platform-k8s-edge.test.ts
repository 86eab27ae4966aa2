/**
 * The EKS, edge and ECR parts of the prod and dev platform stacks, asserted on their synthesized JSON.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import { ADDON_SERVICE_ACCOUNTS } from "../../src/config/addons-contract";
import type { Config } from "../../src/config";
import { configWith } from "../helpers/config";
import { listOf, resourcesOf, synthJson, type TerraformJson } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

function synthPlatforms(config: Config = fixtureConfig()): Record<string, TerraformJson> {
  const { platforms } = buildApp(config, { clock: fixtureClock, outdir: mkdtempSync(join(tmpdir(), "flashcrowd-platform-")) });
  return Object.fromEntries(Object.entries(platforms).map(([id, stack]) => [id, synthJson(stack)]));
}

const stacks = synthPlatforms();
const OPEN = ["0.0.0.0/0", "::/0"];

/** Every ingress rule of a stack, whichever resource type carries it. */
function ingressRules(json: TerraformJson): Record<string, unknown>[] {
  const standalone = listOf(json, "aws_vpc_security_group_ingress_rule");
  const legacy = listOf(json, "aws_security_group_rule").filter((r) => r.type === "ingress");
  const inline = [...listOf(json, "aws_security_group"), ...listOf(json, "aws_default_security_group")].flatMap(
    (sg) => (sg.ingress as Record<string, unknown>[] | undefined) ?? [],
  );
  return [...standalone, ...legacy, ...inline];
}

function sources(rule: Record<string, unknown>): string[] {
  return [rule.cidr_ipv4, rule.cidr_ipv6, ...((rule.cidr_blocks as string[] | undefined) ?? []), ...((rule.ipv6_cidr_blocks as string[] | undefined) ?? [])].filter(
    (s): s is string => typeof s === "string",
  );
}

describe.each(["prod", "dev"])("%s platform", (id) => {
  const json = stacks[id]!;

  it("has no security group open to the internet: no ingress from 0.0.0.0/0 or ::/0 at all", () => {
    const rules = ingressRules(json);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => sources(r).some((s) => OPEN.includes(s)))).toEqual([]);
  });

  it("admits the load balancer's listeners only from CloudFront's origin-facing prefix list", () => {
    const albGroups = Object.entries(resourcesOf(json, "aws_security_group"))
      .filter(([key]) => key.startsWith("alb_"))
      .map(([key]) => `\${aws_security_group.${key}.id}`);
    const albIngress = listOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => albGroups.includes(r.security_group_id as string));
    expect(albIngress.map((r) => [r.from_port, r.prefix_list_id]).sort()).toEqual([
      [443, "pl-22a6434b"],
      [80, "pl-22a6434b"],
    ]);
  });

  it("tags the private subnets (and only those) for Karpenter discovery with the cluster name", () => {
    const cluster = listOf(json, "aws_eks_cluster")[0]!;
    const subnets = listOf(json, "aws_subnet");
    const tagged = subnets.filter((s) => (s.tags as Record<string, string>)["karpenter.sh/discovery"] === cluster.name);
    expect(tagged.map((s) => (s.tags as Record<string, string>).Tier)).toEqual(subnets.filter((s) => (s.tags as Record<string, string>).Tier === "private").map(() => "private"));
    expect(tagged.length).toBeGreaterThanOrEqual(2);
    expect(cluster.name).toBe(`flashcrowd-${id}-eks`);
  });

  it("lets the load balancer reach the pods on each service port through the node security group", () => {
    const toPods = listOf(json, "aws_vpc_security_group_ingress_rule").filter(
      (r) => (r.security_group_id as string).includes("eks_node-sg_") && (r.referenced_security_group_id as string | undefined)?.includes("alb_sg_"),
    );
    expect(toPods.map((r) => r.from_port).sort()).toEqual([3000, 8080]);
  });

  it("keeps the origin secret out of code and config: generated in this stack's state, used by CloudFront and the listener rules", () => {
    expect(json.variable).toBeUndefined();
    const [secretId] = Object.keys(resourcesOf(json, "terraform_data"));
    expect(secretId).toMatch(/^origin-verify_secret_/);
    const reference = `\${sensitive(terraform_data.${secretId}.output)}`;
    const origin = (listOf(json, "aws_cloudfront_distribution")[0]!.origin as Record<string, unknown>[]).find((o) => o.origin_id === "alb")!;
    expect(origin.custom_header).toEqual([{ name: "X-Origin-Verify", value: reference }]);
    const rules = listOf(json, "aws_lb_listener_rule");
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => JSON.stringify(r.condition).includes(JSON.stringify(reference).slice(1, -1)))).toBe(true);
  });

  it("puts the WAF, its logs and the CloudFront certificate in us-east-1", () => {
    expect(listOf(json, "aws_wafv2_web_acl")[0]!.provider).toBe("aws.us_east_1");
    expect(listOf(json, "aws_acm_certificate").map((c) => c.provider ?? "home").sort()).toEqual(["aws.us_east_1", "home"]);
    expect((json.provider as Record<string, Record<string, unknown>[]>).aws!.map((p) => p.region)).toContain("us-east-1");
  });

  it("lets CloudFront write standard logs to the log bucket (ACLs enabled there)", () => {
    const ownership = listOf(json, "aws_s3_bucket_ownership_controls").find((o) => (o.bucket as string).includes("logs-bucket"))!;
    expect(ownership.rule).toEqual({ object_ownership: "BucketOwnerPreferred" });
  });

  it("creates the configured repositories under the project namespace and owns the account's replication", () => {
    expect(listOf(json, "aws_ecr_repository").map((r) => r.name).sort()).toEqual([`flashcrowd/${id}/api`, `flashcrowd/${id}/web`, `flashcrowd/${id}/worker`]);
    expect(listOf(json, "aws_ecr_replication_configuration")).toHaveLength(1);
  });

  it("points the site names at CloudFront and the origin name at the load balancer", () => {
    const records = listOf(json, "aws_route53_record").filter((r) => r.alias);
    const domain = id === "prod" ? "flashcrowd.example" : "dev.flashcrowd.example";
    const origin = records.filter((r) => r.name === `origin.${domain}`);
    expect(origin.map((r) => r.type)).toEqual(["A"]);
    expect(records.filter((r) => r.name === domain).map((r) => r.type).sort()).toEqual(["A", "AAAA"]);
  });
});

describe("inputs of the add-ons stack", () => {
  const { platforms } = buildApp(fixtureConfig(), { clock: fixtureClock, outdir: mkdtempSync(join(tmpdir(), "flashcrowd-platform-")) });
  const prod = platforms.prod!;
  const inputs = prod.addonInputs;
  // Each input becomes an output of the stack, so it is resolved as Terraform sees it (one synth).
  const flat: Record<string, string> = {
    clusterName: inputs.clusterName,
    clusterArn: inputs.clusterArn,
    clusterEndpoint: inputs.clusterEndpoint,
    ca: inputs.clusterCertificateAuthorityData,
    volumeKey: inputs.volumeKmsKeyArn!,
    vpc: inputs.vpcId,
    queue: inputs.karpenter.interruptionQueueName,
    profile: inputs.karpenter.nodeIdentity.instanceProfile!,
    karpenterRole: inputs.podIdentityRoleArns.karpenterController,
    lbcRole: inputs.podIdentityRoleArns.loadBalancerController,
    fluentBitRole: inputs.podIdentityRoleArns.fluentBit,
    web: inputs.targetGroupArns.web!,
    logGroup: inputs.containerLogs.logGroupName,
    archive: inputs.containerLogs.archiveBucketName,
    grafana: inputs.alertingSecrets.grafanaAdminSecretArn,
    slack: inputs.alertingSecrets.slackWebhookSecretArn,
    secretsKey: inputs.alertingSecrets.kmsKeyArn,
  };
  for (const [id, value] of Object.entries(flat)) new TerraformOutput(prod, `test-${id}`, { value });
  const outputs = synthJson(prod).output as Record<string, { value: string }>;
  const resolved = (key: keyof typeof flat) => outputs[`test-${key}`]!.value;

  it("reference the cluster, its VPC and the node volume key", () => {
    expect(resolved("clusterName")).toMatch(/^\$\{aws_eks_cluster\.eks_cluster_[A-Z0-9]+\.name\}$/);
    expect(resolved("clusterArn")).toMatch(/^\$\{aws_eks_cluster\.eks_cluster_[A-Z0-9]+\.arn\}$/);
    expect(resolved("clusterEndpoint")).toMatch(/^\$\{aws_eks_cluster\.eks_cluster_[A-Z0-9]+\.endpoint\}$/);
    expect(resolved("ca")).toMatch(/aws_eks_cluster\.eks_cluster_[A-Z0-9]+\.certificate_authority\[0\]\.data/);
    expect(resolved("volumeKey")).toMatch(/^\$\{aws_kms_key\.eks_node-volume-key_[A-Z0-9]+\.arn\}$/);
    expect(resolved("vpc")).toMatch(/^\$\{aws_vpc\.network_vpc_[A-Z0-9]+\.id\}$/);
  });

  it("reference Karpenter's queue and instance profile and every add-on role", () => {
    expect(resolved("queue")).toMatch(/^\$\{aws_sqs_queue\.karpenter_queue_[A-Z0-9]+\.name\}$/);
    expect(resolved("profile")).toMatch(/^\$\{aws_iam_instance_profile\.karpenter_instance-profile_[A-Z0-9]+\.name\}$/);
    for (const key of ["karpenterRole", "lbcRole", "fluentBitRole"] as const) {
      expect(resolved(key)).toMatch(/^\$\{aws_iam_role\.[a-z-]+_role_[A-Z0-9]+\.arn\}$|^\$\{aws_iam_role\.karpenter_controller_role_[A-Z0-9]+\.arn\}$/);
    }
  });

  it("list the target groups by service for TargetGroupBindings", () => {
    expect(Object.keys(inputs.targetGroupArns)).toEqual(["api", "web"]);
    expect(resolved("web")).toMatch(/^\$\{aws_lb_target_group\.alb_tg-web_[A-Z0-9]+\.arn\}$/);
  });

  it("hand over the log destinations and the alerting secrets with their key", () => {
    expect(resolved("logGroup")).toMatch(/aws_cloudwatch_log_group\./);
    expect(resolved("archive")).toMatch(/^\$\{aws_s3_bucket\.logs-bucket_bucket_[A-Z0-9]+\.bucket\}$|^\$\{aws_s3_bucket\.logs-bucket_[A-Z0-9]+\.bucket\}$/);
    expect(resolved("grafana")).toMatch(/^\$\{aws_secretsmanager_secret\.grafana-admin-secret_[a-z-]*[A-Z0-9_]+\.arn\}$/);
    expect(resolved("slack")).toMatch(/^\$\{aws_secretsmanager_secret\.alertmanager-slack-secret_[a-z-]*[A-Z0-9_]+\.arn\}$/);
    expect(resolved("secretsKey")).toMatch(/^\$\{aws_kms_key\.data-key_[a-z-]*[A-Z0-9_]+\.arn\}$/);
  });

  it("bind the add-on roles to the service accounts the add-ons stack installs", () => {
    const associations = listOf(synthJson(prod), "aws_eks_pod_identity_association").map((a) => `${a.namespace}/${a.service_account}`);
    for (const sa of [ADDON_SERVICE_ACCOUNTS.loadBalancerController, ADDON_SERVICE_ACCOUNTS.karpenter, ADDON_SERVICE_ACCOUNTS.fluentBit]) {
      expect(associations).toContain(`${sa.namespace}/${sa.name}`);
    }
  });
});

describe("environment differences come from config", () => {
  it("gives prod a multi-node system group and dev a single small node", () => {
    const scaling = (id: string) => listOf(stacks[id]!, "aws_eks_node_group")[0]!.scaling_config;
    expect(scaling("prod")).toEqual({ min_size: 3, max_size: 6, desired_size: 3 });
    // dev's minimum is 0 so that off-hours can scale it to zero without an apply undoing it.
    expect(scaling("dev")).toEqual({ min_size: 0, max_size: 2, desired_size: 1 });
  });

  it("protects the prod load balancer from deletion but not dev's", () => {
    expect(listOf(stacks.prod!, "aws_lb")[0]!.enable_deletion_protection).toBe(true);
    expect(listOf(stacks.dev!, "aws_lb")[0]!.enable_deletion_protection).toBe(false);
  });

  it("serves www only where configured", () => {
    expect(listOf(stacks.prod!, "aws_cloudfront_distribution")[0]!.aliases).toEqual(["flashcrowd.example", "www.flashcrowd.example"]);
    expect(listOf(stacks.dev!, "aws_cloudfront_distribution")[0]!.aliases).toEqual(["dev.flashcrowd.example"]);
  });

  it("creates no replication configuration in an environment that shares an owned account", () => {
    const shared = synthPlatforms(
      configWith((c) => {
        const prod = structuredClone(c.environments.prod!);
        c.environments.staging = { ...prod, network: { ...prod.network, cidr: "10.2.0.0/16" }, ecr: { ...prod.ecr, ownsRegistryReplication: false } };
      }),
    );
    expect(listOf(shared.staging!, "aws_ecr_replication_configuration")).toEqual([]);
    expect(listOf(shared.staging!, "aws_ecr_repository").map((r) => r.name)).toContain("flashcrowd/staging/web");
    expect(listOf(shared.prod!, "aws_ecr_replication_configuration")).toHaveLength(1);
  });

  it("opens a public API endpoint only when an environment lists networks for it", () => {
    const json = synthPlatforms(configWith((c) => (c.environments.dev!.eks.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }))).dev!;
    expect(listOf(json, "aws_eks_cluster")[0]!.vpc_config).toEqual(expect.objectContaining({ endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] }));
    expect(listOf(stacks.dev!, "aws_eks_cluster")[0]!.vpc_config).toEqual(expect.objectContaining({ endpoint_public_access: false }));
  });
});
