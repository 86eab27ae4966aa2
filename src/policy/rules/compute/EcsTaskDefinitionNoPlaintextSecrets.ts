import { compliant, nonCompliant } from "../../check";
import { blocks, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { containerName, containersOf } from "./ecs";

/** Names that hold credentials; such values belong in `secrets` (Secrets Manager / SSM references). */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

/** No container passes a credential in plain `environment`. */
export const EcsTaskDefinitionNoPlaintextSecrets: Rule = (json) =>
  resourcesOf(json, "aws_ecs_task_definition").map((td) => {
    const parsed = containersOf(td);
    if (!parsed.ok) return nonCompliant(td, parsed.reason);
    const problems = parsed.containers.flatMap((c, i) =>
      blocks(c.environment)
        .map((e) => e.name)
        .filter((name): name is string => typeof name === "string" && SECRET_NAME.test(name))
        .map((name) => `${containerName(c, i)} sets ${name} in plain environment`),
    );
    return problems.length > 0 ? nonCompliant(td, problems.join("; ")) : compliant(td, "no credential-like names in environment");
  });
