import { compliant, nonCompliant } from "../../check";
import { blocks, partnersOf, refersTo, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Every VPC's default security group is taken over with no rules (`aws_default_security_group`
 * removes AWS's allow-from-itself and allow-all-out rules and creates only those declared), and no
 * standalone rule is added to it.
 */
export const VpcDefaultSecurityGroupClosed: Rule = (json) =>
  resourcesOf(json, "aws_vpc").map((vpc) => {
    const defaults = partnersOf(json, "aws_default_security_group", "vpc_id", vpc);
    if (defaults.length === 0) {
      return nonCompliant(vpc, "no aws_default_security_group takes over this VPC's default group, so AWS's allow-all rules stay");
    }
    const problems: string[] = [];
    for (const sg of defaults) {
      for (const direction of ["ingress", "egress"] as const) {
        const count = blocks(sg.config[direction]).length;
        if (count > 0) problems.push(`${sg.address} declares ${count} ${direction} rule(s)`);
      }
    }
    const standalone = resourcesOf(json, "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule").filter(
      (rule) =>
        defaults.some((sg) => refersTo(rule.config.security_group_id, sg.address)) ||
        (typeof rule.config.security_group_id === "string" && rule.config.security_group_id.includes(`${vpc.address}.default_security_group_id`)),
    );
    for (const rule of standalone) problems.push(`${rule.address} adds a rule to the default group`);
    return problems.length > 0 ? nonCompliant(vpc, problems.join("; ")) : compliant(vpc, `${defaults[0]!.address} has no rules`);
  });
