import { compliant, nonCompliant } from "../../check";
import { blocks, isBlank, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** What the provider writes when `description` is left out: says nothing about the group. */
const PROVIDER_DEFAULT_DESCRIPTION = "Managed by Terraform";

/** Every security group and every rule (inline or standalone) says what it is for. */
export const Ec2SecurityGroupDescriptionPresent: Rule = (json) => [
  ...resourcesOf(json, "aws_security_group").map((sg) => {
    const problems: string[] = [];
    const description = sg.config.description;
    if (isBlank(description)) problems.push(`description is not set (provider default "${PROVIDER_DEFAULT_DESCRIPTION}")`);
    else if (description === PROVIDER_DEFAULT_DESCRIPTION) problems.push(`description is the provider default "${PROVIDER_DEFAULT_DESCRIPTION}"`);
    for (const direction of ["ingress", "egress"] as const) {
      blocks(sg.config[direction]).forEach((b, i) => {
        if (isBlank(b.description)) problems.push(`${direction}[${i}] has no description`);
      });
    }
    return problems.length > 0 ? nonCompliant(sg, problems.join("; ")) : compliant(sg, "the group and its inline rules are described");
  }),
  ...resourcesOf(json, "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule").map((rule) =>
    isBlank(rule.config.description) ? nonCompliant(rule, "description is not set") : compliant(rule, "described"),
  ),
];
