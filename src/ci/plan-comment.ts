/**
 * The pull-request plan comment: Terraform JSON plans (`terraform show -json`) of the changed
 * stacks, and optionally the policy pack's report, rendered as one Markdown comment that the
 * workflow creates once and then updates in place (found again by a hidden marker).
 *
 * Layout, most important first: deletes and replaces flagged at the top with their addresses,
 * policy errors, one table row per changed stack, unchanged stacks folded into one line, destroy
 * previews of event stacks, then collapsible per-stack address lists and the policy findings.
 * GitHub rejects comments over 65,536 characters, so address lists are cut to fit, with a note.
 */
import { z } from "zod";

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

const resourceChangeSchema = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  previous_address: z.string().optional(),
  change: z.looseObject({
    actions: z.array(z.string()).min(1),
    importing: z.unknown().optional(),
  }),
});

/** The parts of Terraform's JSON plan format (format_version 1.x) this reads. */
export const planJsonSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
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

/** One plan, summarized. */
export interface StackPlan {
  /** Label as given: a stack id, or `<stack>:destroy` for a destroy preview. */
  readonly label: string;
  /** Stack id (the label without the destroy suffix). */
  readonly stack: string;
  readonly destroyPreview: boolean;
  /** Addresses per action, in plan order. */
  readonly changes: Readonly<Record<ChangeAction, readonly string[]>>;
  /** Terraform reported the plan as errored (incomplete). */
  readonly errored: boolean;
}

export interface PlanCommentInput {
  /** Plans by label, in the order given. */
  readonly plans: readonly StackPlan[];
  /** Run links by label. A label with a link but no plan is shown as a plan that is missing. */
  readonly runUrls?: Readonly<Record<string, string>>;
  readonly policy?: PolicyReport;
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

/** Sorts a plan's resource changes into actions. Data-source reads and no-ops are left out. */
export function summarizePlan(label: string, plan: PlanJson): StackPlan {
  const changes: Record<ChangeAction, string[]> = { delete: [], replace: [], update: [], create: [], import: [], move: [], forget: [] };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const actions = rc.change.actions;
    if (actions.includes("delete") && actions.includes("create")) changes.replace.push(rc.address);
    else if (actions.includes("create")) changes.create.push(rc.address);
    else if (actions.includes("update")) changes.update.push(rc.address);
    else if (actions.includes("delete")) changes.delete.push(rc.address);
    else if (actions.includes("forget")) changes.forget.push(rc.address);
    if (rc.change.importing !== undefined && rc.change.importing !== null) changes.import.push(rc.address);
    if (rc.previous_address && rc.previous_address !== rc.address) changes.move.push(`${rc.previous_address} → ${rc.address}`);
  }
  const destroyPreview = label.endsWith(DESTROY_PREVIEW_SUFFIX);
  return {
    label,
    stack: destroyPreview ? label.slice(0, -DESTROY_PREVIEW_SUFFIX.length) : label,
    destroyPreview,
    changes,
    errored: plan.errored === true,
  };
}

/** Number of resources per counted action, plus imports, moves and forgets. */
export function countsOf(plan: StackPlan): Record<ChangeAction, number> {
  return Object.fromEntries(ACTION_ORDER.map((a) => [a, plan.changes[a].length])) as Record<ChangeAction, number>;
}

function hasChanges(plan: StackPlan): boolean {
  return ACTION_ORDER.some((a) => plan.changes[a].length > 0);
}

function isDestructive(plan: StackPlan): boolean {
  return !plan.destroyPreview && (plan.changes.delete.length > 0 || plan.changes.replace.length > 0);
}

/**
 * Renders the comment. Lists are cut to the longest length that keeps the comment within the
 * budget (each cut list says how many it leaves out, and a note says the comment was cut).
 */
export function renderPlanComment(input: PlanCommentInput): string {
  const budget = input.budget ?? DEFAULT_COMMENT_BUDGET;
  const longest = Math.max(
    0,
    ...input.plans.flatMap((p) => ACTION_ORDER.map((a) => p.changes[a].length)),
    ...(input.policy?.stacks ?? []).map((s) => s.findings.length),
  );
  const full = render(input, Infinity);
  if (fits(full.text, budget)) return full.text;

  // The longest per-list cap that fits; render() is monotone in the cap.
  let low = 0;
  let high = longest;
  let best = render(input, 0);
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const attempt = render(input, mid);
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
  for (const line of lines) {
    if (!fits(`${out}${line}\n${note}`, budget)) break;
    out += `${line}\n`;
  }
  const openDetails = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  return `${out}${openDetails > 0 ? note : note.replace("\n\n</details>", "")}`;
}

interface Rendered {
  readonly text: string;
  /** Addresses and findings left out of lists. */
  readonly omitted: number;
}

function render(input: PlanCommentInput, cap: number): Rendered {
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
      const addresses = [...p.changes.delete.map((a) => `delete ${code(a)}`), ...p.changes.replace.map((a) => `replace ${code(a)}`)];
      lines.push(...excerpt(addresses, ">   "));
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

  if (changed.length > 0) {
    const rows = changed.map((p) => {
      const flag = isDestructive(p) ? "⚠️ " : p.errored ? "❌ " : "";
      const counts = COUNTED.map((a) => String(p.changes[a].length));
      return `| ${flag}${code(p.label)} | ${counts.join(" | ")} | ${runLink(runUrls[p.label]) || "–"} |`;
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

  const detailed = [...changed, ...previews].filter(hasChanges);
  for (const p of detailed) {
    const counts = countsOf(p);
    const summary = ACTION_ORDER.filter((a) => counts[a] > 0)
      .map((a) => `${counts[a]} to ${a}`)
      .join(", ");
    const sections = ACTION_ORDER.filter((a) => counts[a] > 0).map((a) =>
      [`**${capitalize(a)}** (${counts[a]})`, "", ...list(p.changes[a], (addr) => code(addr))].join("\n"),
    );
    body.push(`<details><summary><code>${html(p.label)}</code>: ${html(summary)}</summary>\n\n${sections.join("\n\n")}\n\n</details>`);
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
  if (omitted > 0) {
    head.push(
      `> [!NOTE]\n> Cut to fit GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit: ${omitted} address${omitted === 1 ? "" : "es"} or findings are not listed. The run links have the full plans.`,
    );
  }
  return { text: `${head.join("\n\n")}\n\n${body.join("\n\n")}\n`, omitted };
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
