import { compliant, nonCompliant } from "../../check";
import { isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { containerName, containersOf } from "./ecs";

/** No container runs privileged (root on the host). */
export const EcsTaskDefinitionNotPrivileged: Rule = (json) =>
  resourcesOf(json, "aws_ecs_task_definition").map((td) => {
    const parsed = containersOf(td);
    if (!parsed.ok) return nonCompliant(td, parsed.reason);
    const privileged = parsed.containers.map((c, i) => (isTrue(c.privileged) ? containerName(c, i) : undefined)).filter(Boolean);
    return privileged.length > 0 ? nonCompliant(td, `privileged: true on ${privileged.join(", ")}`) : compliant(td, "no privileged container");
  });
