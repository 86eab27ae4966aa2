import { compliant, nonCompliant } from "../../check";
import { attribute, isTrue, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/** Viewer security policies with TLS 1.2 as the floor and modern ciphers. */
export const MODERN_VIEWER_PROTOCOLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/** Viewers connect with TLS 1.2 or newer (a custom certificate; the default certificate allows TLSv1). */
export const CloudfrontDistributionViewerTlsModern: Rule = (json) =>
  resourcesOf(json, "aws_cloudfront_distribution").map((d) => {
    if (isTrue(attribute(d.config, "viewer_certificate.cloudfront_default_certificate"))) {
      return nonCompliant(d, "viewer_certificate.cloudfront_default_certificate = true, which allows TLSv1; use an ACM certificate");
    }
    const version = attribute(d.config, "viewer_certificate.minimum_protocol_version");
    if (version === undefined) return nonCompliant(d, `viewer_certificate.minimum_protocol_version is not set (default TLSv1); set ${MODERN_VIEWER_PROTOCOLS[0]}`);
    return typeof version === "string" && MODERN_VIEWER_PROTOCOLS.includes(version)
      ? compliant(d, `minimum_protocol_version ${version}`)
      : nonCompliant(d, `viewer_certificate.minimum_protocol_version = ${show(version)}; must be one of ${MODERN_VIEWER_PROTOCOLS.join(", ")}`);
  });
