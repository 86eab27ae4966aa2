import { describe, expect, it } from "vitest";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { CdnDistribution, MANAGED_POLICY_IDS, cloudFrontReadStatements, type CdnDistributionProps } from "../../../modules/edge/cdn-distribution";
import { CloudFrontWebAcl, MANAGED_RULE_GROUPS, type CloudFrontWebAclProps } from "../../../modules/edge/cloudfront-web-acl";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, parseJsonAttribute, synthJson, type TerraformJson } from "../../helpers/synth";
import { moduleStack, type PolicyJson } from "../../helpers/stack";

function synthWebAcl(props: Partial<CloudFrontWebAclProps> = {}): TerraformJson {
  const m = moduleStack();
  new CloudFrontWebAcl(m.stack, "waf", { usEast1Provider: m.usEast1(), rateLimit: 2000, ...props });
  return synthJson(m.stack);
}

type CdnOverrides = Partial<CdnDistributionProps> | ((parts: { bucket: S3Bucket; key: KmsKey }) => Partial<CdnDistributionProps>);

function synthCdn(overrides: CdnOverrides = {}): TerraformJson {
  const { stack } = moduleStack();
  const logs = new S3Bucket(stack, "logs", { bucketName: "flashcrowd-test-logs", encryption: "s3-managed", objectOwnership: "BucketOwnerPreferred" });
  const key = new KmsKey(stack, "static-key", { alias: "static", description: "static" });
  const bucket = new S3Bucket(stack, "static", { bucketName: "flashcrowd-test-static", kmsKey: key });
  const extra = typeof overrides === "function" ? overrides({ bucket, key }) : overrides;
  new CdnDistribution(stack, "cdn", {
    aliases: ["shop.example.com", "www.shop.example.com"],
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/site",
    webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1",
    origins: [
      { kind: "https", id: "alb", domainName: "origin.shop.example.com", customHeaders: { "X-Origin-Verify": "${sensitive(terraform_data.origin-verify.output)}" } },
      { kind: "s3", id: "static", bucket, kmsKey: key },
    ],
    defaultBehavior: { targetOriginId: "alb", cache: "disabled" },
    behaviors: [{ pathPattern: "/static/*", targetOriginId: "static", cache: "optimized" }],
    logs: { bucket: logs, prefix: "cloudfront/" },
    ...extra,
  });
  return synthJson(stack);
}

const distribution = (json: TerraformJson) => listOf(json, "aws_cloudfront_distribution")[0]!;
type Rule = { name: string; priority: number; statement: Record<string, Record<string, unknown>>; override_action?: unknown; action?: unknown };

describe("CloudFrontWebAcl defaults", () => {
  const json = synthWebAcl();
  const acl = listOf(json, "aws_wafv2_web_acl")[0]!;
  const rules = (acl.rule as Rule[]).sort((a, b) => a.priority - b.priority);

  it("is a CloudFront-scope ACL in us-east-1 that allows what no rule blocks", () => {
    expect(acl).toEqual(expect.objectContaining({ provider: "aws.us_east_1", scope: "CLOUDFRONT", default_action: { allow: {} } }));
  });

  it("runs the IP reputation list, a per-IP rate limit, then the common, bad-input and SQL injection rule groups", () => {
    expect(rules.map((r) => r.name)).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "RateLimitPerIp",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
    ]);
    expect(rules.filter((r) => r.statement.managed_rule_group_statement).map((r) => r.statement.managed_rule_group_statement!.name)).toEqual([...MANAGED_RULE_GROUPS]);
    expect(rules.filter((r) => r.statement.managed_rule_group_statement).every((r) => JSON.stringify(r.override_action) === JSON.stringify({ none: {} }))).toBe(true);
    expect(rules[1]!.statement.rate_based_statement).toEqual({ limit: 2000, aggregate_key_type: "IP", evaluation_window_sec: 300 });
    expect(rules[1]!.action).toEqual({ block: {} });
  });

  it("logs to an encrypted, retained aws-waf-logs- group in us-east-1 with credentials redacted", () => {
    const group = listOf(json, "aws_cloudwatch_log_group")[0]!;
    expect(group).toEqual(expect.objectContaining({ provider: "aws.us_east_1", name: "aws-waf-logs-flashcrowd-test-cloudfront", retention_in_days: 90 }));
    const key = listOf(json, "aws_kms_key")[0]!;
    expect(key.provider).toBe("aws.us_east_1");
    const statement = parseJsonAttribute<PolicyJson>(key.policy).Statement.find((s) => s.Sid === "CloudWatchLogsWaf")!;
    expect(statement.Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    const logging = listOf(json, "aws_wafv2_web_acl_logging_configuration")[0]!;
    expect(logging.redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
  });
});

describe("CloudFrontWebAcl options", () => {
  it("takes the rate limit and retention from props and can count chosen managed rules", () => {
    const json = synthWebAcl({ rateLimit: 500, logRetentionDays: 30, countOnly: { AWSManagedRulesCommonRuleSet: ["SizeRestrictions_BODY"] } });
    const rules = listOf(json, "aws_wafv2_web_acl")[0]!.rule as Rule[];
    expect(rules.find((r) => r.name === "RateLimitPerIp")!.statement.rate_based_statement!.limit).toBe(500);
    expect(rules.find((r) => r.name === "AWSManagedRulesCommonRuleSet")!.statement.managed_rule_group_statement!.rule_action_override).toEqual([
      { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
    ]);
    expect(listOf(json, "aws_cloudwatch_log_group")[0]!.retention_in_days).toBe(30);
  });
});

describe("CdnDistribution defaults", () => {
  const json = synthCdn();
  const cdn = distribution(json);

  it("serves the aliases over TLS 1.2 (2021 ciphers) with SNI, HTTP/2 and 3, IPv6 and the web ACL", () => {
    expect(cdn).toEqual(
      expect.objectContaining({
        aliases: ["shop.example.com", "www.shop.example.com"],
        http_version: "http2and3",
        is_ipv6_enabled: true,
        web_acl_id: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1",
        price_class: "PriceClass_200",
        viewer_certificate: { acm_certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/site", ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" },
      }),
    );
  });

  it("redirects viewers to HTTPS and adds security headers on every behavior", () => {
    const behaviors = [cdn.default_cache_behavior, ...(cdn.ordered_cache_behavior as unknown[])] as Record<string, unknown>[];
    expect(behaviors.every((b) => b.viewer_protocol_policy === "redirect-to-https" && b.response_headers_policy_id === MANAGED_POLICY_IDS.securityHeaders)).toBe(true);
  });

  it("reaches the HTTPS origin over TLS 1.2 only, with the origin header, forwarding everything but Host uncached", () => {
    const alb = (cdn.origin as Record<string, unknown>[]).find((o) => o.origin_id === "alb")!;
    expect(alb.custom_origin_config).toEqual(expect.objectContaining({ origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] }));
    expect(alb.custom_header).toEqual([{ name: "X-Origin-Verify", value: "${sensitive(terraform_data.origin-verify.output)}" }]);
    expect(cdn.default_cache_behavior).toEqual(
      expect.objectContaining({ cache_policy_id: MANAGED_POLICY_IDS.cachingDisabled, origin_request_policy_id: MANAGED_POLICY_IDS.allViewerExceptHostHeader }),
    );
  });

  it("reads the S3 origin through Origin Access Control with SigV4, cached, read-only", () => {
    const s3 = (cdn.origin as Record<string, unknown>[]).find((o) => o.origin_id === "static")!;
    expect(s3.origin_access_control_id).toMatch(/^\$\{aws_cloudfront_origin_access_control\.cdn_oac_[A-Z0-9]+\.id\}$/);
    expect(s3.s3_origin_config).toBeUndefined();
    expect(listOf(json, "aws_cloudfront_origin_access_control")[0]).toEqual(
      expect.objectContaining({ origin_access_control_origin_type: "s3", signing_behavior: "always", signing_protocol: "sigv4" }),
    );
    const behavior = (cdn.ordered_cache_behavior as Record<string, unknown>[])[0]!;
    expect(behavior).toEqual(expect.objectContaining({ path_pattern: "/static/*", cache_policy_id: MANAGED_POLICY_IDS.cachingOptimized, allowed_methods: ["GET", "HEAD", "OPTIONS"] }));
    expect(behavior.origin_request_policy_id).toBeUndefined();
  });

  it("lets CloudFront read the bucket and decrypt its key for this distribution only", () => {
    const onlyThis = { StringEquals: { "AWS:SourceArn": expect.stringMatching(/^\$\{aws_cloudfront_distribution\.cdn_distribution_[A-Z0-9]+\.arn\}$/) } };
    const bucketPolicy = listOf(json, "aws_s3_bucket_policy").map((p) => parseJsonAttribute<PolicyJson>(p.policy)).find((p) => p.Statement.some((s) => s.Action === "s3:GetObject"))!;
    expect(bucketPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: expect.stringMatching(/static_bucket_[A-Z0-9]+\.arn\}\/\*$/), Condition: onlyThis }),
    );
    const keyPolicy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_kms_key")[0]!.policy);
    expect(keyPolicy.Statement).toContainEqual(expect.objectContaining({ Principal: { Service: "cloudfront.amazonaws.com" }, Action: "kms:Decrypt", Condition: onlyThis }));
  });

  it("writes standard logs to the log bucket's domain under the prefix, without cookies", () => {
    expect(cdn.logging_config).toEqual({ bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.logs_bucket_[A-Z0-9]+\.bucket_domain_name\}$/), prefix: "cloudfront/", include_cookies: false });
  });
});

describe("CdnDistribution options", () => {
  it("fails over reads to a second origin through an origin group", () => {
    const json = synthCdn(({ bucket }) => ({
      origins: [
        { kind: "https", id: "live", domainName: "origin.sale.example.com" },
        { kind: "s3", id: "closed-page", bucket },
      ],
      originGroups: [{ id: "sale", primaryOriginId: "live", failoverOriginId: "closed-page" }],
      defaultBehavior: { targetOriginId: "sale", cache: "disabled" },
      behaviors: [],
    }));
    const cdn = distribution(json);
    expect(cdn.origin_group).toEqual([
      { origin_id: "sale", failover_criteria: { status_codes: [500, 502, 503, 504] }, member: [{ origin_id: "live" }, { origin_id: "closed-page" }] },
    ]);
    expect(cdn.default_cache_behavior).toEqual(expect.objectContaining({ target_origin_id: "sale", allowed_methods: ["GET", "HEAD", "OPTIONS"] }));
  });

  it("refuses writes through an origin group", () => {
    expect(() =>
      synthCdn(({ bucket }) => ({
        origins: [
          { kind: "https", id: "live", domainName: "origin.sale.example.com" },
          { kind: "s3", id: "closed-page", bucket },
        ],
        originGroups: [{ id: "sale", primaryOriginId: "live", failoverOriginId: "closed-page" }],
        defaultBehavior: { targetOriginId: "sale", cache: "disabled", methods: "all" },
        behaviors: [],
      })),
    ).toThrow(/only fails over reads/);
  });

  it.each([
    [{ defaultBehavior: { targetOriginId: "nope", cache: "disabled" as const } }, /targets unknown origin "nope"/],
    [{ originGroups: [{ id: "g", primaryOriginId: "alb", failoverOriginId: "missing" }] }, /refers to unknown origin "missing"/],
  ])("rejects %j", (props, error) => {
    expect(() => synthCdn(props)).toThrow(error);
  });

  it("takes price class, root object and response headers policy from props", () => {
    const cdn = distribution(synthCdn({ priceClass: "PriceClass_100", defaultRootObject: "index.html", responseHeadersPolicyId: "custom-policy" }));
    expect(cdn).toEqual(expect.objectContaining({ price_class: "PriceClass_100", default_root_object: "index.html" }));
    expect((cdn.default_cache_behavior as Record<string, unknown>).response_headers_policy_id).toBe("custom-policy");
  });
});

describe("CdnDistribution for the event edge", () => {
  const json = synthCdn(({ bucket, key }) => ({
    origins: [
      { kind: "https", id: "alb", domainName: "origin-sale.example.com" },
      { kind: "s3", id: "static", bucket, kmsKey: key, grantRead: false },
    ],
    originGroups: [{ id: "origin-or-page", primaryOriginId: "alb", failoverOriginId: "static" }],
    defaultBehavior: { targetOriginId: "origin-or-page", cache: "disabled", forwardViewerRequest: true },
    behaviors: [{ pathPattern: "/_sale/*", targetOriginId: "static", cache: "optimized" }],
    errorResponses: [{ errorCode: 403, responseCode: 503, responsePagePath: "/_sale/index.html" }],
  }));

  it("answers an error status with the page, cached briefly", () => {
    expect(distribution(json).custom_error_response).toEqual([
      { error_code: 403, response_code: 503, response_page_path: "/_sale/index.html", error_caching_min_ttl: 10 },
    ]);
  });

  it("leaves the grant of a shared bucket to its owner", () => {
    const policy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_s3_bucket_policy").find((p) => String(p.bucket).includes("static"))!.policy);
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport"]);
    const key = parseJsonAttribute<PolicyJson>(listOf(json, "aws_kms_key")[0]!.policy);
    expect(key.Statement.some((s) => JSON.stringify(s).includes("cloudfront"))).toBe(false);
  });

  it("gives the owner one pair of statements for any number of distributions", () => {
    const arns = ["arn:aws:cloudfront::123456789012:distribution/E1", "arn:aws:cloudfront::123456789012:distribution/E2"];
    const { bucket, key } = cloudFrontReadStatements({ sid: "EventPages", bucketArn: "arn:aws:s3:::pages", distributionArns: arns, originPath: "/_sale/" });
    expect(bucket).toEqual({
      sid: "EventPages",
      principals: { type: "Service", identifiers: ["cloudfront.amazonaws.com"] },
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::pages/_sale/*"],
      conditions: { StringEquals: { "AWS:SourceArn": arns } },
    });
    expect(key).toEqual(expect.objectContaining({ sid: "EventPagesDecrypt", actions: ["kms:Decrypt"], conditions: { StringEquals: { "AWS:SourceArn": arns } } }));
  });
});
