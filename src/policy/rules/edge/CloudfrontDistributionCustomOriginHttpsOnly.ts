import { compliant, nonCompliant, notApplicable } from "../../check";
import { block, blocks, resourcesOf, show, stringList } from "../../terraform";
import type { Rule } from "../../types";

/** Custom origins are reached over HTTPS with TLS 1.2 only. */
export const CloudfrontDistributionCustomOriginHttpsOnly: Rule = (json) =>
  resourcesOf(json, "aws_cloudfront_distribution").map((d) => {
    const custom = blocks(d.config.origin).flatMap((o) => {
      const c = block(o.custom_origin_config);
      return c ? [{ id: String(o.origin_id), c }] : [];
    });
    if (custom.length === 0) return notApplicable(d, "no custom origins");
    const problems = custom.flatMap(({ id, c }) => {
      const out: string[] = [];
      if (c.origin_protocol_policy !== "https-only") out.push(`origin ${id} origin_protocol_policy = ${show(c.origin_protocol_policy)}; must be "https-only"`);
      const old = stringList(c.origin_ssl_protocols).filter((p) => p !== "TLSv1.2");
      if (old.length > 0) out.push(`origin ${id} allows ${old.join(", ")}; list only TLSv1.2`);
      return out;
    });
    return problems.length > 0 ? nonCompliant(d, problems.join("; ")) : compliant(d, "custom origins use HTTPS with TLS 1.2");
  });
