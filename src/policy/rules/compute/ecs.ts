/** Container definitions of ECS task definitions, parsed once per rule. */
import { isObject, parseJsonAttribute, type TfResource } from "../../terraform";

export type ContainerDefinition = Readonly<Record<string, unknown>>;

export type Containers = { readonly ok: true; readonly containers: readonly ContainerDefinition[] } | { readonly ok: false; readonly reason: string };

export function containersOf(taskDefinition: TfResource): Containers {
  const parsed = parseJsonAttribute(taskDefinition.config.container_definitions, "container_definitions");
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, reason: "container_definitions is not a JSON list" };
  return { ok: true, containers: parsed.value.filter(isObject) };
}

export function containerName(container: ContainerDefinition, index: number): string {
  return typeof container.name === "string" ? container.name : `container[${index}]`;
}
