import { compliant, nonCompliant } from "../../check";
import { attribute, blocks, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

const HTTPS_POLICIES = ["https-only", "redirect-to-https"];

/** No cache behavior serves viewers over plain HTTP (`viewer_protocol_policy` allow-all). */
export const CloudfrontDistributionViewerHttpsOnly: Rule = (json) =>
  resourcesOf(json, "aws_cloudfront_distribution").map((d) => {
    const behaviors = [
      { where: "default_cache_behavior", policy: attribute(d.config, "default_cache_behavior.viewer_protocol_policy") },
      ...blocks(d.config.ordered_cache_behavior).map((b, i) => ({ where: `ordered_cache_behavior[${i}] (${String(b.path_pattern)})`, policy: b.viewer_protocol_policy })),
    ];
    const bad = behaviors.filter((b) => typeof b.policy !== "string" || !HTTPS_POLICIES.includes(b.policy));
    return bad.length > 0
      ? nonCompliant(d, bad.map((b) => `${b.where} viewer_protocol_policy = ${show(b.policy)}`).join("; "))
      : compliant(d, "viewers use HTTPS everywhere");
  });
