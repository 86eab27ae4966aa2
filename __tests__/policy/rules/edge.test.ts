import { CloudfrontDistribution, type CloudfrontDistributionConfig, type CloudfrontDistributionOrigin } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { Lb, type LbConfig } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerConfig } from "@cdktf/provider-aws/lib/lb-listener";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import type { TerraformStack } from "cdktf";
import { describe, it } from "vitest";
import { expectCase, type RuleCase } from "../helpers";

const LB = "aws_lb.alb";
const lb = (s: TerraformStack, extra: Partial<LbConfig> = {}) => new Lb(s, "alb", { name: "alb", subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"], ...extra });

describe("ALB-DROP-INVALID-HEADERS", () => {
  it.each<RuleCase>([
    { name: "absent (default false)", build: (s) => lb(s), address: LB, status: "non_compliant" },
    { name: "true", build: (s) => lb(s, { dropInvalidHeaderFields: true }), address: LB, status: "compliant" },
    { name: "a network load balancer", build: (s) => lb(s, { loadBalancerType: "network" }), address: LB, status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("ALB-DROP-INVALID-HEADERS", c));
});

describe("ALB-ACCESS-LOGS", () => {
  it.each<RuleCase>([
    { name: "no access_logs", build: (s) => lb(s), address: LB, status: "non_compliant", message: /bucket is not set/ },
    { name: "a bucket but enabled left at its default", build: (s) => lb(s, { accessLogs: { bucket: "logs" } }), address: LB, status: "non_compliant", message: /default false/ },
    { name: "enabled with a bucket", build: (s) => lb(s, { accessLogs: { bucket: "logs", enabled: true } }), address: LB, status: "compliant" },
  ])("$name: $status", (c) => expectCase("ALB-ACCESS-LOGS", c));
});

const LISTENER = "aws_lb_listener.listener";
const listener = (s: TerraformStack, extra: Partial<LbListenerConfig>) =>
  new LbListener(s, "listener", { loadBalancerArn: lb(s).arn, defaultAction: [{ type: "forward", targetGroupArn: "arn:tg" }], ...extra });

describe("ALB-LISTENER-TLS-POLICY", () => {
  it.each<RuleCase>([
    { name: "HTTPS without ssl_policy (default 2016-08)", build: (s) => listener(s, { protocol: "HTTPS", port: 443, certificateArn: "arn:cert" }), address: LISTENER, status: "non_compliant", message: /TLS 1\.0/ },
    { name: "HTTPS with a TLS 1.0 policy", build: (s) => listener(s, { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS-1-0-2015-04" }), address: LISTENER, status: "non_compliant" },
    { name: "HTTPS with TLS13-1-2-2021-06", build: (s) => listener(s, { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }), address: LISTENER, status: "compliant" },
    { name: "an HTTP listener", build: (s) => listener(s, { protocol: "HTTP", port: 80 }), address: LISTENER, status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("ALB-LISTENER-TLS-POLICY", c));
});

describe("ALB-HTTP-REDIRECT", () => {
  it.each<RuleCase>([
    { name: "HTTP forwarding to targets", build: (s) => listener(s, { protocol: "HTTP", port: 80 }), address: LISTENER, status: "non_compliant" },
    { name: "protocol absent (default HTTP) forwarding", build: (s) => listener(s, { port: 80 }), address: LISTENER, status: "non_compliant" },
    {
      name: "HTTP redirecting to HTTPS",
      build: (s) => listener(s, { protocol: "HTTP", port: 80, defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
      address: LISTENER,
      status: "compliant",
    },
    { name: "an HTTPS listener", build: (s) => listener(s, { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }), address: LISTENER, status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("ALB-HTTP-REDIRECT", c));
});

const CF = "aws_cloudfront_distribution.cdn";
const CUSTOM_ORIGIN: CloudfrontDistributionOrigin = {
  originId: "alb",
  domainName: "origin.sale.example.com",
  customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
};
const distribution = (s: TerraformStack, extra: Partial<CloudfrontDistributionConfig> = {}) =>
  new CloudfrontDistribution(s, "cdn", {
    enabled: true,
    origin: [CUSTOM_ORIGIN],
    defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "alb", viewerProtocolPolicy: "redirect-to-https" },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:210987654321:certificate/1", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
    ...extra,
  });

describe("CF-VIEWER-TLS", () => {
  it.each<RuleCase>([
    { name: "the default certificate", build: (s) => distribution(s, { viewerCertificate: { cloudfrontDefaultCertificate: true } }), address: CF, status: "non_compliant", message: /TLSv1/ },
    { name: "minimum_protocol_version absent", build: (s) => distribution(s, { viewerCertificate: { acmCertificateArn: "arn:cert", sslSupportMethod: "sni-only" } }), address: CF, status: "non_compliant" },
    { name: "TLSv1.2_2019", build: (s) => distribution(s, { viewerCertificate: { acmCertificateArn: "arn:cert", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2019" } }), address: CF, status: "non_compliant" },
    { name: "TLSv1.2_2021", build: (s) => distribution(s), address: CF, status: "compliant" },
  ])("$name: $status", (c) => expectCase("CF-VIEWER-TLS", c));
});

describe("CF-WAF", () => {
  it.each<RuleCase>([
    { name: "no web ACL", build: (s) => distribution(s), address: CF, status: "non_compliant" },
    { name: "a web ACL", build: (s) => distribution(s, { webAclId: "arn:aws:wafv2:us-east-1:210987654321:global/webacl/x/1" }), address: CF, status: "compliant" },
  ])("$name: $status", (c) => expectCase("CF-WAF", c));
});

describe("CF-LOGGING", () => {
  it.each<RuleCase>([
    { name: "no logging (missing partner)", build: (s) => distribution(s), address: CF, status: "non_compliant" },
    { name: "legacy logging_config", build: (s) => distribution(s, { loggingConfig: { bucket: "logs.s3.amazonaws.com" } }), address: CF, status: "compliant" },
    {
      name: "standard logging v2 delivery source",
      build: (s) => {
        const d = distribution(s);
        new CloudwatchLogDeliverySource(s, "src", { name: "cdn", logType: "ACCESS_LOGS", resourceArn: d.arn });
      },
      address: CF,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("CF-LOGGING", c));
});

describe("CF-VIEWER-HTTPS", () => {
  it.each<RuleCase>([
    {
      name: "allow-all on the default behavior",
      build: (s) => distribution(s, { defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "alb", viewerProtocolPolicy: "allow-all" } }),
      address: CF,
      status: "non_compliant",
    },
    {
      name: "allow-all on an ordered behavior",
      build: (s) => distribution(s, { orderedCacheBehavior: [{ pathPattern: "/img/*", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "alb", viewerProtocolPolicy: "allow-all" }] }),
      address: CF,
      status: "non_compliant",
      message: /\/img\/\*/,
    },
    { name: "redirect-to-https", build: (s) => distribution(s), address: CF, status: "compliant" },
  ])("$name: $status", (c) => expectCase("CF-VIEWER-HTTPS", c));
});

describe("CF-ORIGIN-HTTPS", () => {
  const origin = (policy: string, protocols: string[]) => ({ ...CUSTOM_ORIGIN, customOriginConfig: { ...CUSTOM_ORIGIN.customOriginConfig!, originProtocolPolicy: policy, originSslProtocols: protocols } });
  it.each<RuleCase>([
    { name: "http-only origin", build: (s) => distribution(s, { origin: [origin("http-only", ["TLSv1.2"])] }), address: CF, status: "non_compliant" },
    { name: "TLSv1 allowed to the origin", build: (s) => distribution(s, { origin: [origin("https-only", ["TLSv1", "TLSv1.2"])] }), address: CF, status: "non_compliant", message: /allows TLSv1/ },
    { name: "https-only with TLSv1.2", build: (s) => distribution(s), address: CF, status: "compliant" },
  ])("$name: $status", (c) => expectCase("CF-ORIGIN-HTTPS", c));
});

describe("CF-S3-OAC", () => {
  const s3Origin = (s: TerraformStack, oac?: string) => {
    const b = new S3Bucket(s, "static", { bucket: "flashcrowd-static" });
    distribution(s, {
      origin: [{ originId: "static", domainName: b.bucketRegionalDomainName, originAccessControlId: oac }],
      defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "static", viewerProtocolPolicy: "redirect-to-https" },
    });
  };
  it.each<RuleCase>([
    { name: "an S3 origin without OAC", build: (s) => s3Origin(s), address: CF, status: "non_compliant" },
    { name: "an S3 origin with OAC", build: (s) => s3Origin(s, "E2OAC"), address: CF, status: "compliant" },
    { name: "custom origins only", build: (s) => distribution(s), address: CF, status: "not_applicable" },
  ])("$name: $status", (c) => expectCase("CF-S3-OAC", c));
});

const ACL = "aws_wafv2_web_acl.acl";
const managedRule = (name: string, priority: number): Wafv2WebAclRule => ({
  name,
  priority,
  overrideAction: { none: {} },
  // `statement` is passed through verbatim by the binding (typed any): Terraform's snake_case keys.
  statement: { managed_rule_group_statement: { name, vendor_name: "AWS" } },
  visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});
const acl = (s: TerraformStack, rule: Wafv2WebAclRule[] = []) =>
  new Wafv2WebAcl(s, "acl", { name: "edge", scope: "CLOUDFRONT", defaultAction: { allow: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "edge", sampledRequestsEnabled: true }, rule });

describe("WAF-RULES", () => {
  it.each<RuleCase>([
    { name: "no rules", build: (s) => acl(s), address: ACL, status: "non_compliant", message: /no rules/ },
    { name: "rules without known-bad-inputs", build: (s) => acl(s, [managedRule("AWSManagedRulesCommonRuleSet", 1)]), address: ACL, status: "non_compliant", message: /KnownBadInputs/ },
    { name: "known-bad-inputs present", build: (s) => acl(s, [managedRule("AWSManagedRulesCommonRuleSet", 1), managedRule("AWSManagedRulesKnownBadInputsRuleSet", 2)]), address: ACL, status: "compliant" },
  ])("$name: $status", (c) => expectCase("WAF-RULES", c));
});

describe("WAF-LOGGING", () => {
  it.each<RuleCase>([
    { name: "no logging configuration (missing partner)", build: (s) => acl(s), address: ACL, status: "non_compliant" },
    {
      name: "a logging configuration",
      build: (s) => new Wafv2WebAclLoggingConfiguration(s, "log", { resourceArn: acl(s).arn, logDestinationConfigs: ["arn:aws:logs:us-east-1:210987654321:log-group:aws-waf-logs-edge"] }),
      address: ACL,
      status: "compliant",
    },
  ])("$name: $status", (c) => expectCase("WAF-LOGGING", c));
});
