import { compliant, nonCompliant } from "../../check";
import { refersTo, resourcesOf, type TfResource } from "../../terraform";
import type { Rule, RuleResult, TerraformJson } from "../../types";
import { ingressRules, isAllProtocols, isWorldOpen, type IngressRule } from "./security-groups";

/** Ports a load balancer may open to the world: HTTP (to redirect) and HTTPS. */
const LOAD_BALANCER_PORTS = [80, 443];

/**
 * No ingress from 0.0.0.0/0 or ::/0, except TCP 80 or 443 (one port per rule) on a security group
 * that a load balancer in the same stack uses.
 */
export const Ec2SecurityGroupNoWorldIngress: Rule = (json) => {
  const loadBalancerGroups = resourcesOf(json, "aws_security_group").filter((sg) => isOnLoadBalancer(json, sg));
  const results = new Map<string, RuleResult>();
  const byResource = new Map<string, IngressRule[]>();
  for (const rule of ingressRules(json)) {
    const list = byResource.get(rule.declaredBy.address) ?? [];
    list.push(rule);
    byResource.set(rule.declaredBy.address, list);
  }
  for (const [address, rules] of byResource) {
    const problems = rules.filter(isWorldOpen).flatMap((rule) => {
      const onLb = loadBalancerGroups.some((sg) => refersTo(rule.securityGroupRef, sg.address));
      const tcp = rule.protocol === "tcp" || rule.protocol === "6";
      const port = rule.fromPort === rule.toPort ? rule.fromPort : undefined;
      if (onLb && tcp && port !== undefined && LOAD_BALANCER_PORTS.includes(port)) return [];
      const where = rule.index === undefined ? "" : `ingress[${rule.index}] `;
      const ports = isAllProtocols(rule.protocol) ? "all traffic" : `${rule.protocol} ${rule.fromPort ?? "?"}-${rule.toPort ?? "?"}`;
      const why = onLb ? "only TCP 80 or 443 may be open to the world on a load balancer" : "the security group is not used by a load balancer";
      return [`${where}opens ${ports} to ${rule.cidrs.join(", ")} (${why})`];
    });
    const declaredBy = rules[0]!.declaredBy;
    results.set(address, problems.length > 0 ? nonCompliant(declaredBy, problems.join("; ")) : compliant(declaredBy, "no ingress from the whole internet"));
  }
  return [...results.values()];
};

function isOnLoadBalancer(json: TerraformJson, sg: TfResource): boolean {
  return resourcesOf(json, "aws_lb", "aws_alb").some((lb) => refersTo(lb.config.security_groups, sg.address));
}
