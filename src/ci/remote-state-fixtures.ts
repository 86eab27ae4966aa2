/**
 * Fixture state for cross-stack references, so a consumer stack can be planned offline.
 *
 * A cdktf cross-stack reference becomes, in the producer, an output `cross-stack-output-...` whose
 * value is an expression like `${aws_vpc.network_vpc_4E8F0223.cidr_block}`, and in the consumer a
 * `terraform_remote_state` data source reading it. For each output this module finds a plausible
 * value: the literal the producer's resource was configured with when there is one (a VPC's real
 * CIDR), else a fake shaped like the real thing (an ARN for `arn`, `vpc-...` for a VPC id), because
 * the provider validates the shape of many arguments at plan time.
 */
import { createHash } from "node:crypto";
import type { TerraformJson } from "../core/terraform-json";

/** Fixture context: the producer's account and region, used inside fake ARNs. */
export interface FixtureContext {
  readonly account: string;
  readonly region: string;
}

/** Prefixes of fake ids per resource type (what AWS returns as `id`). */
const ID_PREFIX: Record<string, string> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_security_group: "sg",
  aws_route_table: "rtb",
  aws_internet_gateway: "igw",
  aws_nat_gateway: "nat",
  aws_vpc_peering_connection: "pcx",
  aws_vpc_endpoint: "vpce",
  aws_eip: "eipalloc",
  aws_instance: "i",
  aws_launch_template: "lt",
  aws_ec2_managed_prefix_list: "pl",
  aws_network_interface: "eni",
  aws_route53_zone: "Z0",
  aws_cloudfront_distribution: "E",
};

/** ARN service and resource path per resource type, for fake `arn` values. */
const ARN_SHAPE: Record<string, { service: string; path: (name: string) => string; global?: boolean }> = {
  aws_iam_role: { service: "iam", path: (n) => `role/${n}`, global: true },
  aws_iam_policy: { service: "iam", path: (n) => `policy/${n}`, global: true },
  aws_iam_openid_connect_provider: { service: "iam", path: (n) => `oidc-provider/${n}`, global: true },
  aws_kms_key: { service: "kms", path: (n) => `key/${uuidOf(n)}` },
  aws_sns_topic: { service: "sns", path: (n) => n },
  aws_sqs_queue: { service: "sqs", path: (n) => n },
  aws_lb: { service: "elasticloadbalancing", path: (n) => `loadbalancer/app/${n.slice(0, 32)}/0123456789abcdef` },
  aws_lb_target_group: { service: "elasticloadbalancing", path: (n) => `targetgroup/${n.slice(0, 32)}/0123456789abcdef` },
  aws_lb_listener: { service: "elasticloadbalancing", path: (n) => `listener/app/${n.slice(0, 32)}/0123456789abcdef/fedcba9876543210` },
  aws_secretsmanager_secret: { service: "secretsmanager", path: (n) => `secret:${n}-AbCdEf` },
  aws_s3_bucket: { service: "s3", path: (n) => n, global: true },
  aws_cloudwatch_log_group: { service: "logs", path: (n) => `log-group:${n}` },
  aws_rds_cluster: { service: "rds", path: (n) => `cluster:${n}` },
  aws_eks_cluster: { service: "eks", path: (n) => `cluster/${n}` },
  aws_ecr_repository: { service: "ecr", path: (n) => `repository/${n}` },
  aws_acm_certificate: { service: "acm", path: (n) => `certificate/${uuidOf(n)}` },
  aws_wafv2_web_acl: { service: "wafv2", path: (n) => `global/webacl/${n}/${uuidOf(n)}` },
  aws_sfn_state_machine: { service: "states", path: (n) => `stateMachine:${n}` },
  aws_lambda_function: { service: "lambda", path: (n) => `function:${n}` },
  aws_dms_replication_instance: { service: "dms", path: (n) => `rep:${n.toUpperCase()}` },
  aws_dms_endpoint: { service: "dms", path: (n) => `endpoint:${n.toUpperCase()}` },
};

/** Attributes that hold lists, so the fixture output has a list type. */
const LIST_ATTRIBUTES = new Set(["subnet_ids", "security_group_ids", "route_table_ids", "cidr_blocks", "network_interface_ids"]);

/** Fake values by attribute name, whatever the resource type. */
const BY_ATTRIBUTE: Record<string, (ref: ResourceRef, ctx: FixtureContext) => unknown> = {
  cidr_block: () => "10.255.0.0/16",
  endpoint: (ref) => `${ref.name}.fixture.${ref.type.replace(/^aws_/, "")}.amazonaws.com`,
  reader_endpoint: (ref) => `${ref.name}.ro.fixture.amazonaws.com`,
  dns_name: (ref) => `${ref.name}-0123456789.fixture.elb.amazonaws.com`,
  domain_name: (ref) => `${ref.name}.fixture.cloudfront.net`,
  zone_id: () => "Z0FIXTURE0ZONE0ID",
  hosted_zone_id: () => "Z0FIXTURE0ZONE0ID",
  port: () => 3306,
  key_id: (ref) => uuidOf(ref.name),
  account_id: (_, ctx) => ctx.account,
  owner_id: (_, ctx) => ctx.account,
  region: (_, ctx) => ctx.region,
  url: (ref) => `https://${ref.name}.fixture.example.com`,
  name: (ref) => ref.name.replace(/_/g, "-").toLowerCase(),
  repository_url: (ref, ctx) => `${ctx.account}.dkr.ecr.${ctx.region}.amazonaws.com/${ref.name.toLowerCase()}`,
  certificate_authority: () => [{ data: Buffer.from("fixture-ca").toString("base64") }],
  identity: () => [{ oidc: [{ issuer: "https://oidc.eks.fixture.amazonaws.com/id/FIXTURE" }] }],
};

interface ResourceRef {
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

/** Builds a Terraform state (format 4) holding every cross-stack output of `producer`. */
export function fixtureStateFor(producer: TerraformJson, ctx: FixtureContext): object {
  const outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }> = {};
  for (const [name, output] of Object.entries(producer.output ?? {})) {
    const value = fixtureValue(output.value, producer, ctx);
    outputs[name] = { value, type: ctyType(value), ...(output.sensitive ? { sensitive: true } : {}) };
  }
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000000",
    outputs,
    resources: [],
    check_results: null,
  };
}

/** A plausible value for an output expression of the producer. */
export function fixtureValue(expression: unknown, producer: TerraformJson, ctx: FixtureContext): unknown {
  if (typeof expression !== "string") return expression;
  const list = /^\$\{\[(.*)\]\}$/.exec(expression);
  if (list) {
    return list[1]!
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => fixtureValue(`\${${part}}`, producer, ctx));
  }
  const ref = /^\$\{(?:(data)\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)(?:\[\d+\])?\}$/.exec(expression);
  if (!ref) return `fixture-${shortHash(expression)}`;
  const [, isData, type, name, attribute] = ref as unknown as [string, string | undefined, string, string, string];
  const r: ResourceRef = { type, name, attribute };
  if (!isData) {
    const literal = producer.resource?.[type]?.[name]?.[attribute];
    if (literal !== undefined && !containsToken(literal)) return literal;
  }
  return fakeValue(r, ctx);
}

function fakeValue(ref: ResourceRef, ctx: FixtureContext): unknown {
  const slug = ref.name.replace(/_/g, "-").toLowerCase();
  if (ref.attribute === "arn" || ref.attribute.endsWith("_arn")) {
    const shape = ARN_SHAPE[ref.type];
    if (!shape) return `arn:aws:${ref.type.replace(/^aws_/, "").split("_")[0]}:${ctx.region}:${ctx.account}:${slug}`;
    return `arn:aws:${shape.service}:${shape.global ? "" : ctx.region}:${shape.service === "s3" ? "" : ctx.account}:${shape.path(slug)}`;
  }
  if (ref.attribute === "id" && ID_PREFIX[ref.type]) {
    return `${ID_PREFIX[ref.type]}-0${shortHash(ref.type + ref.name).slice(0, 16)}`;
  }
  const byAttr = BY_ATTRIBUTE[ref.attribute];
  if (byAttr) return byAttr(ref, ctx);
  if (LIST_ATTRIBUTES.has(ref.attribute)) return [`fixture-${shortHash(ref.name)}`];
  return `fixture-${slug}-${ref.attribute}`.slice(0, 64);
}

function ctyType(value: unknown): unknown {
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) {
    // Lists of objects (blocks such as certificate_authority) are written as tuples; scalars as lists.
    if (value.some((v) => v !== null && typeof v === "object")) return ["tuple", value.map((v) => ctyType(v))];
    return ["list", value.length ? ctyType(value[0]) : "string"];
  }
  if (value !== null && typeof value === "object") {
    return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ctyType(v)]))];
  }
  return "string";
}

function containsToken(value: unknown): boolean {
  return JSON.stringify(value).includes("${");
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 17);
}

function uuidOf(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
