import { compliant, nonCompliant } from "../../check";
import { attribute, blocks, globMatch, isExpression, isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

const SCANNING = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"];

/** Images are scanned on push: per repository, or by a registry scanning rule that covers it. */
export const EcrRepositoryScanOnPushEnabled: Rule = (json) => {
  const registryRules = resourcesOf(json, "aws_ecr_registry_scanning_configuration").flatMap((c) =>
    blocks(c.config.rule).filter((r) => typeof r.scan_frequency === "string" && SCANNING.includes(r.scan_frequency)),
  );
  return resourcesOf(json, "aws_ecr_repository").map((repo) => {
    if (isTrue(attribute(repo.config, "image_scanning_configuration.scan_on_push"))) return compliant(repo, "scan_on_push = true");
    const name = repo.config.name;
    const covered = registryRules.some((rule) =>
      blocks(rule.repository_filter).some((f) => typeof f.filter === "string" && (f.filter === "*" || (typeof name === "string" && !isExpression(name) && globMatch(f.filter, name)))),
    );
    return covered
      ? compliant(repo, "covered by a registry scanning rule")
      : nonCompliant(repo, "image_scanning_configuration.scan_on_push is not true (default false) and no registry scanning rule covers this repository");
  });
};
