import { compliant, nonCompliant } from "../../check";
import { attribute, isBlank, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { containerName, containersOf } from "./ecs";

/** Every container has a log configuration (a log driver). */
export const EcsTaskDefinitionLoggingEnabled: Rule = (json) =>
  resourcesOf(json, "aws_ecs_task_definition").map((td) => {
    const parsed = containersOf(td);
    if (!parsed.ok) return nonCompliant(td, parsed.reason);
    const missing = parsed.containers.map((c, i) => (isBlank(attribute(c, "logConfiguration.logDriver")) ? containerName(c, i) : undefined)).filter(Boolean);
    return missing.length > 0 ? nonCompliant(td, `no logConfiguration.logDriver on ${missing.join(", ")}`) : compliant(td, "every container logs");
  });
