import { TerraformOutput } from "cdktf";
import { describe, expect, it } from "vitest";
import { AliasRecords, type AliasRecordsProps } from "../../../modules/edge/alias-records";
import { DnsValidatedCertificate, type DnsValidatedCertificateProps } from "../../../modules/edge/dns-validated-certificate";
import { OriginVerifyHeader } from "../../../modules/edge/origin-verify-header";
import { listOf, resourcesOf, synthJson, type TerraformJson } from "../../helpers/synth";
import { moduleStack } from "../../helpers/stack";

function synthCertificate(props: Partial<DnsValidatedCertificateProps> = {}, usEast1 = false): TerraformJson {
  const m = moduleStack();
  new DnsValidatedCertificate(m.stack, "cert", {
    domainName: "shop.example.com",
    hostedZoneId: "Z123EXAMPLE",
    provider: usEast1 ? m.usEast1() : undefined,
    ...props,
  });
  return synthJson(m.stack);
}

function synthAliases(props: Partial<AliasRecordsProps> = {}): TerraformJson {
  const { stack } = moduleStack();
  new AliasRecords(stack, "dns", {
    zoneId: "Z123EXAMPLE",
    names: ["shop.example.com", "www.shop.example.com"],
    target: { dnsName: "d111111abcdef8.cloudfront.net", hostedZoneId: "Z2FDTNDATAQYW2" },
    ...props,
  });
  return synthJson(stack);
}

describe("DnsValidatedCertificate", () => {
  const json = synthCertificate({ subjectAlternativeNames: ["www.shop.example.com", "shop.example.com", "www.shop.example.com"] });
  const certificate = listOf(json, "aws_acm_certificate")[0]!;

  it("requests a DNS-validated RSA certificate with transparency logging, replaced before destroyed", () => {
    expect(certificate).toEqual(
      expect.objectContaining({
        domain_name: "shop.example.com",
        subject_alternative_names: ["www.shop.example.com"],
        validation_method: "DNS",
        key_algorithm: "RSA_2048",
        options: { certificate_transparency_logging_preference: "ENABLED" },
        lifecycle: { create_before_destroy: true },
      }),
    );
  });

  it("writes one validation record per name into the hosted zone, each picking its own validation option", () => {
    const records = listOf(json, "aws_route53_record");
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.zone_id === "Z123EXAMPLE" && r.allow_overwrite === true)).toBe(true);
    expect(records.map((r) => /val\.domain_name == "([^"]+)"/.exec(r.name as string)![1]).sort()).toEqual(["shop.example.com", "www.shop.example.com"]);
    expect(records.every((r) => r.for_each === undefined)).toBe(true);
  });

  it("waits for validation through every record and hands out the validated ARN", () => {
    const validation = listOf(json, "aws_acm_certificate_validation")[0]!;
    const recordIds = Object.keys(resourcesOf(json, "aws_route53_record")).map((id) => `\${aws_route53_record.${id}.fqdn}`);
    expect((validation.validation_record_fqdns as string[]).sort()).toEqual(recordIds.sort());
    expect(validation.certificate_arn).toMatch(/^\$\{aws_acm_certificate\.cert_certificate_[A-Z0-9]+\.arn\}$/);
  });

  it("issues in us-east-1 (CloudFront) when given that provider, while records stay global", () => {
    const east = synthCertificate({}, true);
    expect(listOf(east, "aws_acm_certificate")[0]!.provider).toBe("aws.us_east_1");
    expect(listOf(east, "aws_acm_certificate_validation")[0]!.provider).toBe("aws.us_east_1");
    expect(listOf(east, "aws_route53_record")[0]!.provider).toBeUndefined();
  });

  it("takes the key algorithm from props", () => {
    expect(listOf(synthCertificate({ keyAlgorithm: "EC_prime256v1" }), "aws_acm_certificate")[0]!.key_algorithm).toBe("EC_prime256v1");
  });
});

describe("OriginVerifyHeader", () => {
  const { stack } = moduleStack();
  const header = new OriginVerifyHeader(stack, "origin");
  new TerraformOutput(stack, "secret", { value: header.value });
  const json = synthJson(stack);
  const [secretId, secret] = Object.entries(resourcesOf(json, "terraform_data"))[0]!;

  it("generates the value inside Terraform, from two UUIDs, with no variable to set", () => {
    expect(secret.input).toBe("${uuid()}${uuid()}");
    expect(json.variable).toBeUndefined();
  });

  it("keeps the first value: later changes to the input are ignored", () => {
    expect(secret.lifecycle).toEqual({ ignore_changes: ["input"] });
  });

  it("hands out the value marked sensitive", () => {
    expect(json.output!.secret!.value).toBe(`\${sensitive(terraform_data.${secretId}.output)}`);
  });

  it("is sent as X-Origin-Verify by default", () => {
    expect(header.headerName).toBe("X-Origin-Verify");
    expect(new OriginVerifyHeader(moduleStack().stack, "o", { headerName: "X-Edge-Key" }).headerName).toBe("X-Edge-Key");
  });

  it("rejects a header name that is not a token", () => {
    expect(() => new OriginVerifyHeader(moduleStack().stack, "o", { headerName: "X Edge" })).toThrow(/letters, digits and '-'/);
  });
});

describe("AliasRecords", () => {
  it("writes A and AAAA alias records for every name", () => {
    const records = listOf(synthAliases(), "aws_route53_record");
    expect(records.map((r) => `${r.name as string} ${r.type as string}`).sort()).toEqual([
      "shop.example.com A",
      "shop.example.com AAAA",
      "www.shop.example.com A",
      "www.shop.example.com AAAA",
    ]);
    expect(records[0]!.alias).toEqual({ name: "d111111abcdef8.cloudfront.net", zone_id: "Z2FDTNDATAQYW2", evaluate_target_health: false });
  });

  it("writes only A records for IPv4-only targets", () => {
    expect(listOf(synthAliases({ ipv6: false }), "aws_route53_record").map((r) => r.type)).toEqual(["A", "A"]);
  });

  it("rejects a name listed twice", () => {
    expect(() => synthAliases({ names: ["a.example.com", "a.example.com"] })).toThrow(/names must be unique/);
  });
});

describe("DnsValidatedCertificate sharing another certificate's records", () => {
  const m = moduleStack();
  const cdn = new DnsValidatedCertificate(m.stack, "cdn-cert", {
    domainName: "sale.example.com",
    subjectAlternativeNames: ["*.sale.example.com"],
    hostedZoneId: "Z123EXAMPLE",
    provider: m.usEast1(),
  });
  new DnsValidatedCertificate(m.stack, "origin-cert", { domainName: "*.sale.example.com", hostedZoneId: "Z123EXAMPLE", validationRecordsFrom: cdn });
  const json = synthJson(m.stack);
  const validations = resourcesOf(json, "aws_acm_certificate_validation");
  const origin = Object.entries(validations).find(([id]) => id.startsWith("origin-cert"))![1];

  it("writes no record of its own: the name's record is one per account, already written", () => {
    expect(listOf(json, "aws_route53_record")).toHaveLength(2);
    expect(Object.keys(resourcesOf(json, "aws_route53_record")).every((id) => id.startsWith("cdn-cert"))).toBe(true);
  });

  it("waits for the other certificate's records instead", () => {
    expect(origin.validation_record_fqdns).toBeUndefined();
    expect(origin.depends_on).toEqual(Object.keys(resourcesOf(json, "aws_route53_record")).map((id) => `aws_route53_record.${id}`));
  });

  it("refuses a certificate whose records do not cover its names", () => {
    expect(
      () => new DnsValidatedCertificate(m.stack, "other", { domainName: "shop.example.com", hostedZoneId: "Z123EXAMPLE", validationRecordsFrom: cdn }),
    ).toThrow(/covers sale.example.com, \*.sale.example.com, not shop.example.com/);
  });
});
