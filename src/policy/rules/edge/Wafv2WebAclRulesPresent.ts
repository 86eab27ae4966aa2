import { compliant, nonCompliant } from "../../check";
import { attribute, blocks, isBlank, parseJsonAttribute, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** The AWS managed rule group that blocks known-bad inputs (Log4Shell lookups and the like). */
export const KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet";

/** Web ACLs have rules, including the known-bad-inputs managed rule group. */
export const Wafv2WebAclRulesPresent: Rule = (json) =>
  resourcesOf(json, "aws_wafv2_web_acl").map((acl) => {
    let groups: string[];
    if (!isBlank(acl.config.rule_json)) {
      const parsed = parseJsonAttribute(acl.config.rule_json, "rule_json");
      if (!parsed.ok) return nonCompliant(acl, parsed.reason);
      const rules = Array.isArray(parsed.value) ? parsed.value : [];
      if (rules.length === 0) return nonCompliant(acl, "rule_json holds no rules");
      groups = JSON.stringify(rules).includes(`"${KNOWN_BAD_INPUTS}"`) ? [KNOWN_BAD_INPUTS] : [];
    } else {
      const rules = blocks(acl.config.rule);
      if (rules.length === 0) return nonCompliant(acl, "no rules: the web ACL only applies its default action");
      groups = rules.map((r) => attribute(r, "statement.managed_rule_group_statement.name")).filter((n): n is string => typeof n === "string");
    }
    return groups.includes(KNOWN_BAD_INPUTS) ? compliant(acl, `uses ${KNOWN_BAD_INPUTS}`) : nonCompliant(acl, `no rule uses the managed rule group ${KNOWN_BAD_INPUTS}`);
  });
