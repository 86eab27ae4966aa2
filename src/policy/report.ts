/** Renders a policy report: a table per stack for people, JSON for tools (the pull-request comment). */
import { table } from "../core/table";
import type { PolicyReport, ReportedFinding, StackReport } from "./run";

/** Every stack: its counts, a table of findings, how to fix them, and the suppressions used. */
export function renderReport(report: PolicyReport): string {
  const out: string[] = [];
  for (const stack of report.stacks) out.push(renderStack(stack), "");
  if (report.suppressions.length > 0) {
    out.push(
      "Suppressions used:",
      table(
        ["stack", "rule", "resource", "source", "reason"],
        report.suppressions.map((s) => [s.stack, s.rule, s.resource, s.source === "config" ? `config[${s.configIndex}]` : "resource", s.reason]),
      ),
      "",
    );
  }
  if (report.unusedSuppressions.length > 0) {
    out.push(
      "Suppressions that silenced nothing (remove them if the rule now passes):",
      ...report.unusedSuppressions.map((s) =>
        s.source === "config" ? `  policy.suppressions[${s.configIndex}] ${s.rule}: ${s.reason}` : `  ${s.stack} ${s.resource} ${s.rule}: ${s.reason}`,
      ),
      "",
    );
  }
  out.push(summaryLine(report));
  return out.join("\n");
}

export function summaryLine(report: PolicyReport): string {
  const { errors, warnings, suppressed } = report.totals;
  return `policy: ${report.stacks.length} stack(s), ${plural(errors, "error")}, ${plural(warnings, "warning")}, ${suppressed} suppressed${report.ok ? "" : " - FAILED"}`;
}

function renderStack(stack: StackReport): string {
  const c = stack.counts;
  const header = `${stack.stack} (${stack.kind}, ${stack.lifetime}): ${plural(c.errors, "error")}, ${plural(c.warnings, "warning")}, ${c.suppressed} suppressed; ${c.compliant} checks passed, ${c.notApplicable} not applicable`;
  if (stack.findings.length === 0) return header;
  const rows = stack.findings.map((f) => [level(f), f.rule, f.resource, f.message]);
  const open = stack.findings.filter((f) => !f.suppressed);
  const fixes = [...new Map(open.map((f) => [f.rule, f.fix])).entries()].map(([rule, fix]) => `  ${rule}: ${fix}`);
  return [header, indent(table(["level", "rule", "resource", "problem"], rows)), ...(fixes.length > 0 ? ["How to fix:", ...fixes] : [])].join("\n");
}

/** The unsuppressed errors and warnings only, one per line with the fix for errors: what synthesis prints. */
export function renderProblems(report: PolicyReport): string {
  const lines: string[] = [];
  for (const stack of report.stacks) {
    for (const f of stack.findings.filter((x) => !x.suppressed)) {
      lines.push(`${f.severity.toUpperCase()} ${stack.stack} ${f.resource} [${f.rule}] ${f.message}`);
      if (f.severity === "error") lines.push(`  fix: ${f.fix}`);
    }
  }
  return lines.join("\n");
}

/** The report as JSON (2-space indented, stable key order from the report's construction). */
export function reportJson(report: PolicyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function level(f: ReportedFinding): string {
  return f.suppressed ? "suppressed" : f.severity;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
