import { compliant, nonCompliant } from "../../check";
import { isTrue, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { containerName, containersOf } from "./ecs";

/** Every container's root filesystem is read-only (writable paths are explicit volumes). */
export const EcsTaskDefinitionReadonlyRootFilesystem: Rule = (json) =>
  resourcesOf(json, "aws_ecs_task_definition").map((td) => {
    const parsed = containersOf(td);
    if (!parsed.ok) return nonCompliant(td, parsed.reason);
    const writable = parsed.containers.map((c, i) => (isTrue(c.readonlyRootFilesystem) ? undefined : containerName(c, i))).filter(Boolean);
    return writable.length > 0
      ? nonCompliant(td, `readonlyRootFilesystem is not true on ${writable.join(", ")} (default false)`)
      : compliant(td, "every root filesystem is read-only");
  });
