/**
 * The generated part of docs/least-privilege.md: what each kind of stack's apply role may use,
 * derived from the same tables the roles are built from (`npm run docs` rewrites it).
 */
import type { RunRoleKind } from "../../config/schema";
import { IAM_SERVICE, resourceServices } from "../../topology/aws-resource-services";
import { PLAN_DATA_READS, PLAN_READ_EXCEPTIONS } from "../../topology/run-role-policies";
import { applyServicesOf, RUN_ROLE_RESOURCE_TYPES, TYPES_WITHOUT_TAG_CONDITIONS } from "../../topology/run-role-scope";
import type { GeneratedPart } from "./generated-part";

const KIND_STACKS: Record<RunRoleKind, string> = {
  platform: "`<env>` (prod, dev)",
  addons: "`<env>-addons`",
  eventEdge: "`event-edge`",
  control: "`control`",
  event: "`event-<slug>`",
};

const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(", ");

/** The generated Markdown. */
export function leastPrivilegeTables(): string {
  const kinds = Object.keys(RUN_ROLE_RESOURCE_TYPES) as RunRoleKind[];
  const servicesRows = kinds.map((kind) => {
    const iamTypes = RUN_ROLE_RESOURCE_TYPES[kind].filter((t) => resourceServices(t).service === IAM_SERVICE);
    return `| \`${kind}\` | ${KIND_STACKS[kind]} | ${RUN_ROLE_RESOURCE_TYPES[kind].length} | ${code(applyServicesOf(kind).map((s) => `${s}:*`))} | ${code(iamTypes)} |`;
  });
  const exceptions = kinds.flatMap((kind) => PLAN_READ_EXCEPTIONS[kind].map((e) => `| \`${kind}\` | \`${e.action}\` on ${code(e.resources("<project>"))} | ${e.why} |`));
  return [
    "### Apply roles by kind of stack",
    "",
    "| kind | stacks | resource types | services (whole) | IAM, by action, for these resource types |",
    "| --- | --- | --- | --- | --- |",
    ...servicesRows,
    "",
    "### Event resource types the `Event` tag conditions do not protect",
    "",
    "Their representative delete action takes no `aws:ResourceTag` condition in AWS's service",
    "authorization data, so another event's apply role is not stopped by the tag (only by the service scope):",
    "",
    ...TYPES_WITHOUT_TAG_CONDITIONS.map((t) => `- \`${t}\` (\`${resourceServices(t).delete}\`)`),
    "",
    "### Data reads denied to every plan role",
    "",
    code(PLAN_DATA_READS),
    "",
    "Exceptions, each on named resources only:",
    "",
    "| kind | read | why |",
    "| --- | --- | --- |",
    ...exceptions,
  ].join("\n");
}

export const leastPrivilegePart: GeneratedPart = { name: "least-privilege", file: "docs/least-privilege.md", render: leastPrivilegeTables };
