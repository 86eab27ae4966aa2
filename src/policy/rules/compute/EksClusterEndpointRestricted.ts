import { compliant, nonCompliant } from "../../check";
import { attribute, isExpression, isFalse, resourcesOf, show, stringList } from "../../terraform";
import type { Rule } from "../../types";

const WORLD = ["0.0.0.0/0", "::/0"];

/**
 * The EKS API endpoint is private, or public only to listed CIDRs. Absent settings are the
 * provider's: public access on, from 0.0.0.0/0.
 */
export const EksClusterEndpointRestricted: Rule = (json) =>
  resourcesOf(json, "aws_eks_cluster").map((cluster) => {
    const publicAccess = attribute(cluster.config, "vpc_config.endpoint_public_access");
    if (isFalse(publicAccess)) return compliant(cluster, "public endpoint disabled");
    if (isExpression(publicAccess)) {
      return nonCompliant(cluster, `vpc_config.endpoint_public_access is ${show(publicAccess)}, known only at apply time; set it to false`);
    }
    const state = publicAccess === undefined ? "vpc_config.endpoint_public_access is not set (default true)" : "the public endpoint is on";
    const cidrs = attribute(cluster.config, "vpc_config.public_access_cidrs");
    if (cidrs === undefined) return nonCompliant(cluster, `${state} and public_access_cidrs is not set (default 0.0.0.0/0)`);
    if (isExpression(cidrs) || (Array.isArray(cidrs) && cidrs.some(isExpression))) {
      return nonCompliant(cluster, `${state} and public_access_cidrs is ${show(cidrs)}, known only at apply time; list literal CIDRs`);
    }
    const list = stringList(cidrs);
    if (list.length === 0) return nonCompliant(cluster, `${state} and public_access_cidrs is empty`);
    const open = list.filter((c) => WORLD.includes(c.trim()));
    if (open.length > 0) return nonCompliant(cluster, `${state} to ${open.join(", ")}`);
    return compliant(cluster, `public endpoint limited to ${list.join(", ")}`);
  });
