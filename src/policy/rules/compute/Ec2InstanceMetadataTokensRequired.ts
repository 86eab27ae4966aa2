import { compliant, nonCompliant } from "../../check";
import { attribute, isExpression, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Instances and launch templates require IMDSv2 session tokens (`metadata_options.http_tokens =
 * "required"`), or switch the metadata endpoint off. The default, "optional", still answers IMDSv1.
 */
export const Ec2InstanceMetadataTokensRequired: Rule = (json) =>
  resourcesOf(json, "aws_instance", "aws_launch_template").map((r) => {
    if (attribute(r.config, "metadata_options.http_endpoint") === "disabled") return compliant(r, "metadata endpoint disabled");
    const tokens = attribute(r.config, "metadata_options.http_tokens");
    if (tokens === "required") return compliant(r, 'metadata_options.http_tokens = "required"');
    if (tokens === undefined) return nonCompliant(r, 'metadata_options.http_tokens is not set (default "optional": IMDSv1 answers); set it to "required"');
    if (isExpression(tokens)) return nonCompliant(r, `metadata_options.http_tokens is ${show(tokens)}, known only at apply time; set it to "required"`);
    return nonCompliant(r, `metadata_options.http_tokens = ${show(tokens)}; must be "required"`);
  });
