import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface DnsValidatedCertificateProps {
  /** The certificate's primary name. */
  readonly domainName: string;
  /** More names on the same certificate. @default - none */
  readonly subjectAlternativeNames?: readonly string[];
  /** Public hosted zone that holds every name; the validation records are written there. */
  readonly hostedZoneId: string;
  /**
   * Provider of the region the certificate is used in.
   * @default the stack's default provider - right for a load balancer; CloudFront needs us-east-1
   */
  readonly provider?: AwsProvider;
  /**
   * Key algorithm.
   * @default "RSA_2048" - accepted by every client; "EC_prime256v1" is faster where all clients support ECDSA
   */
  readonly keyAlgorithm?: "RSA_2048" | "EC_prime256v1" | "EC_secp384r1";
  /**
   * Another certificate of this account, validated in this stack, whose records cover every name
   * of this one. ACM validates a name with the same record for every certificate of an account, so
   * this certificate writes none of its own and waits for that one's (two resources managing one
   * record would delete it under each other).
   * @default - this certificate writes its validation records
   */
  readonly validationRecordsFrom?: DnsValidatedCertificate;
}

/**
 * A public ACM certificate validated through Route 53: one CNAME per name (a resource per name,
 * so adding a name adds a record), and an `aws_acm_certificate_validation` that waits until ACM has
 * issued it. Consumers use {@link certificateArn}, which is only known once the certificate is
 * valid, so listeners and distributions never reference a pending certificate. Replacements are
 * created before the old certificate is destroyed.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  readonly validation: AcmCertificateValidation;
  /** Names on the certificate, primary first. */
  readonly names: readonly string[];
  /** The validation records written here (none with `validationRecordsFrom`). */
  readonly records: readonly Route53Record[];

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const sans = [...new Set(props.subjectAlternativeNames ?? [])].filter((n) => n !== props.domainName);
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: sans.length > 0 ? sans : undefined,
      validationMethod: "DNS",
      keyAlgorithm: props.keyAlgorithm ?? "RSA_2048",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      lifecycle: { createBeforeDestroy: true },
    });
    const names = [props.domainName, ...sans];
    const from = props.validationRecordsFrom;
    if (from) {
      const base = (n: string) => n.replace(/^\*\./, "");
      const missing = names.filter((n) => !from.names.some((f) => base(f) === base(n)));
      if (from.records.length === 0) throw new Error(`${this.node.path}: validationRecordsFrom must be a certificate that writes its own records`);
      if (missing.length > 0) {
        throw new Error(`${this.node.path}: validationRecordsFrom covers ${from.names.join(", ")}, not ${missing.join(", ")}`);
      }
    }
    this.names = names;
    this.records = from ? [] : this.writeRecords(props.hostedZoneId, names);
    this.validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      ...(from
        ? { dependsOn: [...from.records] }
        : { validationRecordFqdns: this.records.map((r) => r.fqdn) }),
    });
  }

  // One record per name, keyed by the names known at synth time: keys derived from
  // domain_validation_options are unknown until the certificate exists, which Terraform refuses
  // for for_each. Each record picks its name's validation option.
  private writeRecords(zoneId: string, names: readonly string[]): Route53Record[] {
    const options = TerraformIterator.fromList(Token.asAny(this.certificate.domainValidationOptions));
    const option = (name: string, attribute: string) =>
      Token.asString(Fn.one(options.forExpressionForList(`val.${attribute} if val.domain_name == ${JSON.stringify(name)}`)));
    return names.map(
      (name) =>
        new Route53Record(this, `validation-${name.replace(/^\*\./, "wildcard.").replace(/[^a-z0-9]+/g, "-")}`, {
          zoneId,
          name: option(name, "resource_record_name"),
          type: option(name, "resource_record_type"),
          records: [option(name, "resource_record_value")],
          ttl: 300,
          // A name and its wildcard share one validation record.
          allowOverwrite: true,
        }),
    );
  }

  /** ARN of the issued certificate (waits for validation). */
  get certificateArn(): string {
    return this.validation.certificateArn;
  }
}
