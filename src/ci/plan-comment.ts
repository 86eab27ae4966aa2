/**
 * The pull-request plan comment: Terraform JSON plans (`terraform show -json`) of the changed
 * stacks, and optionally the policy pack's report, rendered as one Markdown comment that the
 * workflow creates once and then updates in place (found again by a hidden marker).
 *
 * Layout, most important first: deletes and replaces flagged at the top with their construct
 * paths, policy errors, a note on stacks planned offline (new workspaces), one table row per
 * changed stack, unchanged stacks folded into one line, destroy previews of event stacks, the cost
 * estimate, then per stack a collapsible list of resources by construct path, deletes and
 * replaces first, each update and replace with its changed attributes (before -> after, what
 * forces the replacement, unknown and sensitive values marked), and the policy findings.
 * GitHub rejects comments over 65,536 characters: attribute changes are dropped from the largest
 * stacks first, then address lists are cut, and the comment says what it left out.
 */
import { z } from "zod";
import type { CostEstimate } from "./cost";
import { describeCostTable, summarizeCost } from "./cost";
import { attributeChanges, constructPathOf, outputChanges, type AttributeChange, type OutputChange } from "./plan-diff";

/** Hidden first line of the comment: the workflow finds the comment to update by it. */
export const PLAN_COMMENT_MARKER = "<!-- flashcrowd:plan-comment -->";

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Default budget: under the limit with room to spare, counted in UTF-8 bytes (never fewer than characters). */
export const DEFAULT_COMMENT_BUDGET = 65_000;

/** Label suffix of an event stack's destroy-plan preview: `--plan event-x:destroy=destroy.json`. */
export const DESTROY_PREVIEW_SUFFIX = ":destroy";

/** What happens to a resource. `replace` is a delete and a create of the same address. */
export type ChangeAction = "delete" | "replace" | "update" | "create" | "import" | "move" | "forget";

/** Most addresses per stack in the warning at the top; the details below list them all. */
export const WARNING_LIST_LIMIT = 25;

/** Order of the per-stack lists: the dangerous ones first. */
export const ACTION_ORDER: readonly ChangeAction[] = ["delete", "replace", "update", "create", "import", "move", "forget"];

const COUNTED: readonly ChangeAction[] = ["create", "update", "delete", "replace"];

const pathSchema = z.array(z.union([z.string(), z.number()]));

const resourceChangeSchema = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  previous_address: z.string().optional(),
  action_reason: z.string().optional(),
  change: z.looseObject({
    actions: z.array(z.string()).min(1),
    importing: z.unknown().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    after_unknown: z.unknown().optional(),
    before_sensitive: z.unknown().optional(),
    after_sensitive: z.unknown().optional(),
    replace_paths: z.array(pathSchema).optional(),
  }),
});

const outputChangeSchema = z.looseObject({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

/** The parts of Terraform's JSON plan format (format_version 1.x) this reads. */
export const planJsonSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  output_changes: z.record(z.string(), outputChangeSchema).optional(),
  errored: z.boolean().optional(),
});

const count = z.number().int().nonnegative();

/** The policy pack's report (`--policy report.json`). */
export const policyReportSchema = z.looseObject({
  stacks: z.array(
    z.looseObject({
      stack: z.string().min(1),
      errors: count,
      warnings: count,
      suppressed: count,
      findings: z
        .array(
          z.looseObject({
            ruleId: z.string(),
            severity: z.string(),
            address: z.string(),
            message: z.string(),
          }),
        )
        .default([]),
    }),
  ),
});

export type PlanJson = z.output<typeof planJsonSchema>;
export type PolicyReport = z.output<typeof policyReportSchema>;

/** One resource that changes, with what changes inside it. */
export interface ResourceDetail {
  readonly address: string;
  /** The action it is listed under (a replace is not also a delete and a create). */
  readonly action: ChangeAction;
  /** Construct path from the synthesized stack's metadata, when known. */
  readonly constructPath?: string;
  /** Changed attributes, for updates and replaces; empty otherwise. */
  readonly attributes: readonly AttributeChange[];
  /** Terraform's reason, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly reason?: string;
}

/** One plan, summarized. */
export interface StackPlan {
  /** Label as given: a stack id, or `<stack>:destroy` for a destroy preview. */
  readonly label: string;
  /** Stack id (the label without the destroy suffix). */
  readonly stack: string;
  readonly destroyPreview: boolean;
  /** Addresses per action, in plan order. */
  readonly changes: Readonly<Record<ChangeAction, readonly string[]>>;
  /** Every changed resource with its attribute changes, in plan order. */
  readonly resources: readonly ResourceDetail[];
  /** Changed outputs. */
  readonly outputs: readonly OutputChange[];
  /** Terraform reported the plan as errored (incomplete). */
  readonly errored: boolean;
  /** Planned offline by the project's harness (the workspace does not exist yet), not in Terraform Cloud. */
  readonly offline: boolean;
}

/** How to read a plan beyond its JSON. */
export interface SummarizeOptions {
  /** Construct paths by address ({@link constructPaths} of the synthesized stack). @default none: addresses only */
  readonly constructPaths?: ReadonlyMap<string, string>;
  /** The plan came from the offline harness. @default false */
  readonly offline?: boolean;
}

export interface PlanCommentInput {
  /** Plans by label, in the order given. */
  readonly plans: readonly StackPlan[];
  /** Run links by label. A label with a link but no plan is shown as a plan that is missing. */
  readonly runUrls?: Readonly<Record<string, string>>;
  readonly policy?: PolicyReport;
  /** Cost estimates of the planned stacks (from the synthesized head). @default no cost section */
  readonly costs?: readonly CostEstimate[];
  /** Most UTF-8 bytes the comment may take. @default {@link DEFAULT_COMMENT_BUDGET} */
  readonly budget?: number;
}

/** Parses `terraform show -json` output; throws a message naming the first bad field. */
export function parsePlanJson(value: unknown): PlanJson {
  const parsed = planJsonSchema.safeParse(value);
  if (!parsed.success) throw new Error(`not a Terraform JSON plan (terraform show -json): ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Parses the policy pack's report; throws a message naming the first bad field. */
export function parsePolicyReport(value: unknown): PolicyReport {
  const parsed = policyReportSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `not a policy report ({ "stacks": [ { "stack", "errors", "warnings", "suppressed", "findings": [ { "ruleId", "severity", "address", "message" } ] } ] }): ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(top level)"}: ${issue.message}`)
    .join("; ");
}

/** Sorts a plan's resource changes into actions, with their attribute changes. Data-source reads and no-ops are left out. */
export function summarizePlan(label: string, plan: PlanJson, options: SummarizeOptions = {}): StackPlan {
  const changes: Record<ChangeAction, string[]> = { delete: [], replace: [], update: [], create: [], import: [], move: [], forget: [] };
  const resources: ResourceDetail[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const actions = rc.change.actions;
    let action: ChangeAction | undefined;
    if (actions.includes("delete") && actions.includes("create")) action = "replace";
    else if (actions.includes("create")) action = "create";
    else if (actions.includes("update")) action = "update";
    else if (actions.includes("delete")) action = "delete";
    else if (actions.includes("forget")) action = "forget";
    if (action) changes[action].push(rc.address);
    if (rc.change.importing !== undefined && rc.change.importing !== null) {
      changes.import.push(rc.address);
      action ??= "import";
    }
    if (rc.previous_address && rc.previous_address !== rc.address) {
      changes.move.push(`${rc.previous_address} → ${rc.address}`);
      action ??= "move";
    }
    if (!action) continue;
    const constructPath = options.constructPaths ? constructPathOf(rc.address, options.constructPaths) : undefined;
    resources.push({
      address: rc.address,
      action,
      ...(constructPath ? { constructPath } : {}),
      // Creates and deletes are whole resources; listing every attribute would bury the updates.
      attributes: action === "update" || action === "replace" ? forcingFirst(attributeChanges(rc.change)) : [],
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
    });
  }
  const destroyPreview = label.endsWith(DESTROY_PREVIEW_SUFFIX);
  return {
    label,
    stack: destroyPreview ? label.slice(0, -DESTROY_PREVIEW_SUFFIX.length) : label,
    destroyPreview,
    changes,
    resources,
    outputs: destroyPreview ? [] : outputChanges(plan.output_changes),
    errored: plan.errored === true,
    offline: options.offline === true,
  };
}

/** What forces a replacement is the first thing a reviewer needs; the rest keeps its path order. */
function forcingFirst(changes: AttributeChange[]): AttributeChange[] {
  return [...changes.filter((c) => c.forcesReplacement), ...changes.filter((c) => !c.forcesReplacement)];
}

/** Number of resources per counted action, plus imports, moves and forgets. */
export function countsOf(plan: StackPlan): Record<ChangeAction, number> {
  return Object.fromEntries(ACTION_ORDER.map((a) => [a, plan.changes[a].length])) as Record<ChangeAction, number>;
}

/** The `--counts-out` document: what workflows gate on (labels, required reviews). */
export interface PlanCounts {
  /** Per plan label: counts per action, and whether the plan is offline or errored. */
  readonly stacks: Readonly<Record<string, Record<ChangeAction, number> & { readonly offline: boolean; readonly errored: boolean }>>;
  /** Sums over the stacks' plans (destroy previews left out: they are what teardown will do, not this change). */
  readonly totals: Readonly<Record<ChangeAction, number>>;
  /** Any stack deletes or replaces a resource. */
  readonly destroys: boolean;
}

export function planCounts(plans: readonly StackPlan[]): PlanCounts {
  const stacks = Object.fromEntries(plans.map((p) => [p.label, { ...countsOf(p), offline: p.offline, errored: p.errored }]));
  const real = plans.filter((p) => !p.destroyPreview);
  const totals = Object.fromEntries(ACTION_ORDER.map((a) => [a, real.reduce((sum, p) => sum + p.changes[a].length, 0)])) as Record<ChangeAction, number>;
  return { stacks, totals, destroys: totals.delete + totals.replace > 0 };
}

function hasChanges(plan: StackPlan): boolean {
  return ACTION_ORDER.some((a) => plan.changes[a].length > 0) || plan.outputs.length > 0;
}

function isDestructive(plan: StackPlan): boolean {
  return !plan.destroyPreview && (plan.changes.delete.length > 0 || plan.changes.replace.length > 0);
}

/** Most attribute lines per resource; the rest is one "and N more" line. */
export const ATTRIBUTE_LIST_LIMIT = 40;

/** How much of the comment to leave out to fit. */
interface Detail {
  /** Labels whose attribute changes are left out (addresses only). */
  readonly brief: ReadonlySet<string>;
  /** Longest address list. */
  readonly cap: number;
}

/**
 * Renders the comment. When it is over the budget, detail goes first from the largest stacks:
 * their attribute changes are left out, one stack at a time, largest first; if that is not
 * enough, address lists are cut to the longest length that fits. The comment says what it left out.
 */
export function renderPlanComment(input: PlanCommentInput): string {
  const budget = input.budget ?? DEFAULT_COMMENT_BUDGET;
  const full = render(input, { brief: new Set(), cap: Infinity });
  if (fits(full.text, budget)) return full.text;

  // Largest attribute detail first: dropping it from one big stack usually keeps every other intact.
  const bySize = input.plans
    .filter((p) => p.resources.some((r) => r.attributes.length > 0))
    .map((p) => ({ label: p.label, size: render({ ...input, plans: [p], policy: undefined, costs: undefined }, { brief: new Set(), cap: Infinity }).text.length }))
    .sort((a, b) => b.size - a.size || a.label.localeCompare(b.label));
  // The fewest largest stacks to leave brief: render() shrinks as more are brief, so a binary
  // search finds it in a few renders even with thousands of stacks.
  const briefOf = (k: number) => new Set(bySize.slice(0, k).map((s) => s.label));
  let low = 1;
  let high = bySize.length;
  let fitting: string | undefined;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const attempt = render(input, { brief: briefOf(mid), cap: Infinity });
    if (fits(attempt.text, budget)) {
      fitting = attempt.text;
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  if (fitting !== undefined) return fitting;
  const brief = briefOf(bySize.length);

  const longest = Math.max(
    0,
    ...input.plans.flatMap((p) => ACTION_ORDER.map((a) => p.changes[a].length)),
    ...(input.policy?.stacks ?? []).map((s) => s.findings.length),
  );
  // The longest per-list cap that fits; render() is monotone in the cap.
  low = 0;
  high = longest;
  let best = render(input, { brief, cap: 0 });
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const attempt = render(input, { brief, cap: mid });
    if (fits(attempt.text, budget)) {
      best = attempt;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (fits(best.text, budget)) return best.text;
  return hardCut(best.text, budget);
}

function fits(text: string, budget: number): boolean {
  return Buffer.byteLength(text, "utf8") <= budget;
}

/** Last resort (thousands of stacks or findings): cut at a line boundary, close open blocks, say so. */
function hardCut(text: string, budget: number): string {
  const note =
    "\n\n</details>\n\n> [!WARNING]\n> This comment was cut short to fit GitHub's 65,536-character limit; the run links have the full plans.\n";
  const lines = text.split("\n");
  let out = "";
  // The fence of the code block the cut would leave open ("" when none is open).
  let fence = "";
  for (const line of lines) {
    const opener = /^\s*(`{3,})/.exec(line)?.[1];
    const after = opener && !fence ? opener : opener && opener === fence ? "" : fence;
    if (!fits(`${out}${line}\n${after ? `${after}\n` : ""}${note}`, budget)) break;
    out += `${line}\n`;
    fence = after;
  }
  if (fence) out += `${fence}\n`;
  const openDetails = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  return `${out}${openDetails > 0 ? note : note.replace("\n\n</details>", "")}`;
}

interface Rendered {
  readonly text: string;
  /** Addresses and findings left out of lists. */
  readonly omitted: number;
}

function render(input: PlanCommentInput, detail: Detail): Rendered {
  const cap = detail.cap;
  let omitted = 0;
  const list = (items: readonly string[], format: (item: string) => string, indent = ""): string[] => {
    const shown = items.slice(0, cap);
    const lines = shown.map((item) => `${indent}- ${format(item)}`);
    if (items.length > shown.length) {
      omitted += items.length - shown.length;
      lines.push(`${indent}- … and ${items.length - shown.length} more (see the run for the full plan)`);
    }
    return lines;
  };
  /** A short list whose full version is in the details further down. */
  const excerpt = (items: readonly string[], indent: string): string[] => {
    const shown = items.slice(0, Math.min(cap, WARNING_LIST_LIMIT));
    const lines = shown.map((item) => `${indent}- ${item}`);
    if (items.length > shown.length) lines.push(`${indent}- … and ${items.length - shown.length} more in the details below`);
    return lines;
  };

  const runUrls = input.runUrls ?? {};
  const plans = input.plans.filter((p) => !p.destroyPreview);
  const previews = input.plans.filter((p) => p.destroyPreview);
  const missing = Object.keys(runUrls).filter((label) => !input.plans.some((p) => p.label === label));
  const changed = plans.filter((p) => hasChanges(p) || p.errored);
  const unchanged = plans.filter((p) => !hasChanges(p) && !p.errored);
  const destructive = plans.filter(isDestructive);
  const offline = plans.filter((p) => p.offline);
  const policyErrors = (input.policy?.stacks ?? []).filter((s) => s.errors > 0);

  const body: string[] = [];
  const totals = Object.fromEntries(COUNTED.map((a) => [a, plans.reduce((sum, p) => sum + p.changes[a].length, 0)])) as Record<ChangeAction, number>;
  body.push(
    `**${changed.length} of ${plans.length} planned stack${plans.length === 1 ? "" : "s"} change${changed.length === 1 ? "s" : ""}**` +
      (changed.length > 0 ? `: ${totals.create} to create, ${totals.update} to update, ${totals.delete} to delete, ${totals.replace} to replace.` : "."),
  );

  if (destructive.length > 0) {
    const lines = [
      "> [!CAUTION]",
      `> **Deletes or replaces in ${destructive.length} stack${destructive.length === 1 ? "" : "s"}**: ${destructive.map((p) => code(p.label)).join(", ")}. Check each address below before merging.`,
    ];
    for (const p of destructive) {
      lines.push(`> - ${code(p.label)}: ${p.changes.delete.length} to delete, ${p.changes.replace.length} to replace`);
      const named = (action: ChangeAction) =>
        p.resources.filter((r) => r.action === action).map((r) => `${action} ${r.constructPath ? `${code(r.constructPath)} (${code(r.address)})` : code(r.address)}`);
      lines.push(...excerpt([...named("delete"), ...named("replace")], ">   "));
    }
    body.push(lines.join("\n"));
  }

  if (policyErrors.length > 0) {
    body.push(
      [
        "> [!CAUTION]",
        `> **Policy errors** in ${policyErrors.map((s) => `${code(s.stack)} (${s.errors})`).join(", ")}: see the policy checks below.`,
      ].join("\n"),
    );
  }

  const erroredPlans = plans.filter((p) => p.errored);
  if (erroredPlans.length > 0 || missing.length > 0) {
    const lines = ["> [!WARNING]"];
    for (const p of erroredPlans) lines.push(`> The plan of ${code(p.label)} errored; it is incomplete.${runLink(runUrls[p.label], " See ")}`);
    for (const label of missing) lines.push(`> No plan for ${code(label)}: it failed or was not produced.${runLink(runUrls[label], " See ")}`);
    body.push(lines.join("\n"));
  }

  if (offline.length > 0) {
    body.push(
      [
        "> [!NOTE]",
        `> **Offline plan** of ${offline.map((p) => code(p.label)).join(", ")}: ${offline.length === 1 ? "its workspace does" : "their workspaces do"} not exist yet (created when \`tfc\` is applied after the merge), ` +
          "so the project's offline harness planned the synthesized configuration with no credentials and no state: every resource is a create, and values AWS assigns are unknown.",
      ].join("\n"),
    );
  }

  if (changed.length > 0) {
    const rows = changed.map((p) => {
      const flag = isDestructive(p) ? "⚠️ " : p.errored ? "❌ " : "";
      const counts = COUNTED.map((a) => String(p.changes[a].length));
      const run = p.offline ? "offline plan" : runLink(runUrls[p.label]) || "–";
      return `| ${flag}${code(p.label)} | ${counts.join(" | ")} | ${run} |`;
    });
    body.push(["| Stack | Create | Update | Delete | Replace | Run |", "| --- | ---: | ---: | ---: | ---: | --- |", ...rows].join("\n"));
  }

  if (unchanged.length > 0) {
    body.push(`No changes: ${unchanged.map((p) => `${code(p.label)}${runLink(runUrls[p.label], " ")}`).join(", ")}.`);
  }

  if (previews.length > 0) {
    body.push(
      [
        "#### Destroy previews",
        "",
        "What each event's scheduled teardown will remove (the event environment is destroyed after the sale, once its data is verified in prod):",
        "",
        "| Stack | Delete | Run |",
        "| --- | ---: | --- |",
        ...previews.map((p) => `| ${code(p.stack)} | ${p.changes.delete.length + p.changes.replace.length} | ${runLink(runUrls[p.label]) || "–"} |`),
      ].join("\n"),
    );
  }

  const costs = (input.costs ?? []).filter((c) => plans.some((p) => p.stack === c.stack) || previews.some((p) => p.stack === c.stack));
  if (costs.length > 0) body.push(renderCostSection(costs));

  const detailed = [...changed, ...previews].filter(hasChanges);
  const briefLabels = detailed.filter((p) => detail.brief.has(p.label) && p.resources.some((r) => r.attributes.length > 0)).map((p) => p.label);
  for (const p of detailed) {
    const counts = countsOf(p);
    const summary = ACTION_ORDER.filter((a) => counts[a] > 0)
      .map((a) => `${counts[a]} to ${a}`)
      .concat(p.outputs.length > 0 ? [`${p.outputs.length} output${p.outputs.length === 1 ? "" : "s"}`] : [])
      .join(", ");
    const brief = detail.brief.has(p.label);
    const sections = ACTION_ORDER.filter((a) => counts[a] > 0).map((a) => {
      const items = a === "move" ? p.changes.move : p.resources.filter((r) => r.action === a).map((r) => r.address);
      const byAddress = new Map(p.resources.map((r) => [r.address, r]));
      const format = (item: string) => {
        const r = a === "move" ? undefined : byAddress.get(item);
        if (!r) return code(item);
        const name = r.constructPath ? `${code(r.constructPath)} <sub>${code(r.address)}</sub>` : code(r.address);
        if (brief || r.attributes.length === 0) return name;
        return `${name}\n${diffBlock(r.attributes.map(attributeLine), "  ", ATTRIBUTE_LIST_LIMIT)}`;
      };
      // Imports also appear under their other action; list them by address there.
      const shownItems = a === "import" ? p.changes.import : items;
      return [`**${capitalize(a)}** (${counts[a]})`, "", ...list(shownItems, a === "import" ? (addr) => code(addr) : format)].join("\n");
    });
    if (p.outputs.length > 0) {
      const lines = p.outputs.map((o) => `${o.action === "create" ? "+" : o.action === "delete" ? "-" : "!"} output.${o.name}: ${o.before} -> ${o.after}`);
      sections.push([`**Outputs** (${p.outputs.length})`, "", diffBlock(lines, "", brief ? 0 : ATTRIBUTE_LIST_LIMIT)].join("\n"));
    }
    const where = p.offline ? " (offline plan)" : "";
    body.push(`<details><summary><code>${html(p.label)}</code>${where}: ${html(summary)}</summary>\n\n${sections.join("\n\n")}\n\n</details>`);
  }

  if (input.policy) {
    const stacks = input.policy.stacks;
    const lines = [
      "#### Policy checks",
      "",
      "| Stack | Errors | Warnings | Suppressed |",
      "| --- | ---: | ---: | ---: |",
      ...stacks.map((s) => `| ${s.errors > 0 ? "❌ " : s.warnings > 0 ? "⚠️ " : ""}${code(s.stack)} | ${s.errors} | ${s.warnings} | ${s.suppressed} |`),
    ];
    if (stacks.length === 0) lines.push("| (no stacks checked) | | | |");
    body.push(lines.join("\n"));
    for (const s of stacks.filter((st) => st.findings.length > 0)) {
      const findings = s.findings.map((f) => `${f.severity === "error" ? "❌" : f.severity === "warning" ? "⚠️" : "ℹ️"} **${escapeMd(f.ruleId)}** ${code(f.address)}: ${escapeMd(f.message)}`);
      body.push(
        `<details><summary>Policy findings in <code>${html(s.stack)}</code> (${s.findings.length})</summary>\n\n${list(findings, (f) => f).join("\n")}\n\n</details>`,
      );
    }
  }

  const head = [PLAN_COMMENT_MARKER, "### Terraform plan"];
  const limit = GITHUB_COMMENT_LIMIT.toLocaleString("en-US");
  if (briefLabels.length > 0) {
    head.push(
      `> [!NOTE]\n> Cut to fit GitHub's ${limit}-character comment limit: attribute changes are left out for ${nameSome(briefLabels)} (largest stacks first); their resources are still listed. The run links have the full plans.`,
    );
  }
  if (omitted > 0) {
    head.push(
      `> [!NOTE]\n> Cut to fit GitHub's ${limit}-character comment limit: ${omitted} address${omitted === 1 ? "" : "es"} or findings are not listed. The run links have the full plans.`,
    );
  }
  return { text: `${head.join("\n\n")}\n\n${body.join("\n\n")}\n`, omitted };
}

/** `! path: before -> after`: `+` for an attribute that appears, `-` for one that goes, `!` for a change. */
function attributeLine(a: AttributeChange): string {
  const sign = a.before === "(none)" ? "+" : a.after === "(none)" ? "-" : "!";
  return `${sign} ${a.path}: ${a.before} -> ${a.after}${a.forcesReplacement ? "   (forces replacement)" : ""}`;
}

/** A `diff` code block (GitHub colours `+`/`-` lines), at most `limit` lines plus an "and N more" line. */
function diffBlock(lines: readonly string[], indent: string, limit: number): string {
  const shown = lines.slice(0, limit);
  if (lines.length > shown.length) shown.push(`# … and ${lines.length - shown.length} more`);
  const longestRun = Math.max(2, ...shown.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = "`".repeat(longestRun + 1);
  return [`${indent}${fence}diff`, ...shown.map((l) => `${indent}${l}`), `${indent}${fence}`].join("\n");
}

function renderCostSection(costs: readonly CostEstimate[]): string {
  const rows = costs.map((c) => `| ${code(c.stack)} | ${escapeMd(summarizeCost(c))} |`);
  const notEstimated = [...new Set(costs.flatMap((c) => c.notEstimated.map((n) => n.what)))].sort();
  return [
    "#### Cost estimate",
    "",
    "| Stack | Estimate (USD, time-billed parts) |",
    "| --- | --- |",
    ...rows,
    "",
    `Not estimated (billed by use): ${notEstimated.length > 0 ? escapeMd(notEstimated.join(", ")) : "nothing"}. ${escapeMd(describeCostTable(costs))}`,
  ].join("\n");
}

/** At most ten stacks by name, then how many more. */
function nameSome(labels: readonly string[]): string {
  const named = labels.slice(0, 10).map(code).join(", ");
  return labels.length > 10 ? `${named} and ${labels.length - 10} more` : named;
}

function runLink(url: string | undefined, prefix = ""): string {
  if (!url) return "";
  const id = /\/runs\/(run-[A-Za-z0-9]+)/.exec(url)?.[1];
  return `${prefix}[${id ?? "run"}](${url})`;
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  if (!text.includes("`")) return `\`${text}\``;
  const longest = Math.max(...(text.match(/`+/g) ?? [""]).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence} ${text} ${fence}`;
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeMd(text: string): string {
  return html(text).replace(/([\\*_[\]|`])/g, "\\$1").replace(/\n/g, " ");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
