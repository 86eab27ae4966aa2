/**
 * The rule reference of docs/policy-rules.md, from the policy pack: per rule its id, severity,
 * category, the resource types it judges, what it checks (the rule's own JSDoc), why, how to fix a
 * violation, and the cdk-nag / checkov checks it corresponds to.
 *
 * The resource types are what the rule asks the synthesized JSON for: each rule runs once against
 * an empty stack whose `resource` block records every type looked up, under every kind of stack
 * context, so a rule cannot judge a type the reference leaves out.
 */
import { join } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../../core/project-root";
import { POLICY_PACK } from "../../policy/pack";
import type { PolicyContext, PolicyDefinition, PolicyDomain, TerraformJson } from "../../policy/types";
import type { GeneratedPart } from "./generated-part";
import { anchors, byText, code, oneLine, table } from "./markdown";
import { docComment, findDeclaration, propertyName, repoPath, sourceFile } from "./typescript-source";

const PACK_FILE = join(PROJECT_ROOT, "src", "policy", "pack.ts");

/** Headings of the categories; a category not listed here is shown by its name. */
const CATEGORY_TITLES: Readonly<Record<PolicyDomain, string>> = {
  network: "Network",
  compute: "Compute",
  data: "Data",
  edge: "Edge",
  operations: "Operations",
  "data-safety": "Data safety (the project's own; no scanner has these)",
};

const CONTEXTS: readonly PolicyContext[] = (["platform", "event", "shared"] as const).flatMap((kind) =>
  [true, false].flatMap((prod) =>
    [true, false].map((highAvailability) => ({
      stackId: kind === "event" ? "event-probe" : kind === "platform" ? "prod" : "control",
      kind,
      lifetime: kind === "event" ? ("ephemeral" as const) : ("permanent" as const),
      prod,
      syncTo: "prod",
      highAvailability,
    })),
  ),
);

/** The resource types a rule looks up in a stack's JSON, sorted. */
export function resourceTypesOf(definition: PolicyDefinition): string[] {
  const types = new Set<string>();
  const resource = new Proxy({} as Record<string, Record<string, unknown>>, {
    get(_target, key) {
      if (typeof key === "string") types.add(key);
      return undefined;
    },
  });
  const json = { resource } as unknown as TerraformJson;
  for (const context of CONTEXTS) {
    try {
      definition.rule(json, context);
    } catch {
      // A rule that needs more than an empty stack still named the types it looked up first.
    }
  }
  return [...types].filter((t) => /^[a-z][a-z0-9_]*$/.test(t)).sort(byText);
}

/** What pack.ts says about each rule's source: the rule's file and its JSDoc. */
function ruleSources(): Map<string, { file?: string; checks: string }> {
  const pack = sourceFile(PACK_FILE);
  const out = new Map<string, { file?: string; checks: string }>();
  const definitions = findDeclaration(pack, "DEFINITIONS");
  const literal = definitions?.kind === "variable" ? definitions.node.initializer : undefined;
  if (!literal || !ts.isObjectLiteralExpression(literal)) return out;
  for (const entry of literal.properties) {
    if (!ts.isPropertyAssignment(entry) || !ts.isObjectLiteralExpression(entry.initializer)) continue;
    const id = propertyName(entry.name);
    const rule = entry.initializer.properties.find((p) => p.name && propertyName(p.name) === "rule");
    const ruleName =
      rule && ts.isPropertyAssignment(rule) && ts.isIdentifier(rule.initializer) ? rule.initializer.text : rule && ts.isShorthandPropertyAssignment(rule) ? rule.name.text : undefined;
    if (id === undefined || ruleName === undefined) continue;
    const declaration = findDeclaration(pack, ruleName);
    const doc = declaration?.kind === "variable" ? docComment(declaration.statement) : declaration ? docComment(declaration.node) : undefined;
    out.set(id, { ...(declaration ? { file: repoPath(declaration.file.fileName) } : {}), checks: doc ? oneLine(doc.text) : "" });
  }
  return out;
}

function references(definition: PolicyDefinition): string {
  const parts = [
    definition.reference.cdkNag?.length ? `cdk-nag ${definition.reference.cdkNag.map(code).join(", ")}` : "",
    definition.reference.checkov?.length ? `checkov ${definition.reference.checkov.map(code).join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "none (the project's own)";
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The generated Markdown of docs/policy-rules.md. */
export function policyRulesReference(): string {
  const sources = ruleSources();
  const categories = [...new Set(POLICY_PACK.map((p) => p.domain))];
  const titleOf = (domain: PolicyDomain) => CATEGORY_TITLES[domain] ?? domain;
  const headings = POLICY_PACK.map((p) => p.id);
  const links = new Map(POLICY_PACK.map((p, i) => [p.id, anchors(headings)[i]!]));
  const out: string[] = [
    `${POLICY_PACK.length} rules: ${POLICY_PACK.filter((p) => p.severity === "error").length} errors, ${POLICY_PACK.filter((p) => p.severity === "warning").length} warnings.`,
    "",
    table(
      ["rule", "category", "severity", "what must hold"],
      POLICY_PACK.map((p) => [`[${code(p.id)}](#${links.get(p.id)})`, titleOf(p.domain).replace(/ \(.*$/, ""), p.severity, p.title]),
    ),
  ];
  for (const domain of categories) {
    out.push("", `### ${titleOf(domain)}`);
    for (const definition of POLICY_PACK.filter((p) => p.domain === domain)) {
      const source = sources.get(definition.id);
      const types = resourceTypesOf(definition);
      out.push(
        "",
        `#### ${definition.id}`,
        "",
        `**${definition.severity}**: ${sentence(definition.title)}`,
        "",
        `- Resource types: ${types.length ? types.map(code).join(", ") : "none found"}`,
        `- Checks: ${source?.checks || definition.title}${source?.file ? ` (${code(source.file)})` : ""}`,
        `- Why: ${oneLine(definition.explanation)}`,
        `- Fix: ${oneLine(definition.fix)}`,
        `- Counterparts: ${references(definition)}`,
      );
    }
  }
  return out.join("\n");
}

export const policyRulesPart: GeneratedPart = { name: "policy-rules", file: "docs/policy-rules.md", render: policyRulesReference };
