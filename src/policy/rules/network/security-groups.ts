/** Security-group rules in their three Terraform shapes, normalized for the network rules. */
import { asNumber, blocks, resourcesOf, stringList, type Block, type TfResource } from "../../terraform";
import type { TerraformJson } from "../../types";

export interface IngressRule {
  /** The resource that declares the rule (a security group for inline rules). */
  readonly declaredBy: TfResource;
  /** Inline rule index within the security group, for messages. */
  readonly index?: number;
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidrs: readonly string[];
  /** The security group the rule belongs to: itself for inline rules, else `security_group_id`. */
  readonly securityGroupRef: unknown;
}

export const WORLD_CIDRS = ["0.0.0.0/0", "::/0"];

/** Every ingress rule of the stack: inline `ingress` blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`. */
export function ingressRules(json: TerraformJson): IngressRule[] {
  const out: IngressRule[] = [];
  for (const sg of resourcesOf(json, "aws_security_group")) {
    blocks(sg.config.ingress).forEach((b, index) => out.push(fromInline(sg, b, index)));
  }
  for (const r of resourcesOf(json, "aws_security_group_rule")) {
    if (r.config.type !== "ingress") continue;
    out.push({
      declaredBy: r,
      protocol: String(r.config.protocol ?? ""),
      fromPort: asNumber(r.config.from_port),
      toPort: asNumber(r.config.to_port),
      cidrs: [...stringList(r.config.cidr_blocks), ...stringList(r.config.ipv6_cidr_blocks)],
      securityGroupRef: r.config.security_group_id,
    });
  }
  for (const r of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) {
    out.push({
      declaredBy: r,
      protocol: String(r.config.ip_protocol ?? ""),
      fromPort: asNumber(r.config.from_port),
      toPort: asNumber(r.config.to_port),
      cidrs: [...stringList(r.config.cidr_ipv4), ...stringList(r.config.cidr_ipv6)],
      securityGroupRef: r.config.security_group_id,
    });
  }
  return out;
}

function fromInline(sg: TfResource, b: Block, index: number): IngressRule {
  return {
    declaredBy: sg,
    index,
    protocol: String(b.protocol ?? ""),
    fromPort: asNumber(b.from_port),
    toPort: asNumber(b.to_port),
    cidrs: [...stringList(b.cidr_blocks), ...stringList(b.ipv6_cidr_blocks)],
    securityGroupRef: `\${${sg.address}.id}`,
  };
}

/** `self` inline rules and the like carry no CIDR; only literal world CIDRs are open to the internet. */
export function isWorldOpen(rule: IngressRule): boolean {
  return rule.cidrs.some((c) => WORLD_CIDRS.includes(c.trim()));
}

export function isAllProtocols(protocol: string): boolean {
  return protocol === "-1" || protocol.toLowerCase() === "all";
}
