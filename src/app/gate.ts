import type { FlashcrowdApp } from "./app";
import type { Config } from "../config";
import { renderProblems, summaryLine } from "../policy/report";
import { runPolicy, type PolicyReport } from "../policy/run";
import { policyInputs } from "../topology/policy-context";

/**
 * Synthesizes the app, then runs the pack on what was written: unsuppressed errors and warnings are
 * printed through `err`; the exit code is 1 when any error is left, else 0.
 */
export function synthWithPolicy(
  built: Pick<FlashcrowdApp, "app" | "synth">,
  config: Config,
  err: (text: string) => void,
): { readonly exitCode: number; readonly report: PolicyReport } {
  built.synth();
  const report = runPolicy({ synthDir: built.app.outdir, ...policyInputs(config) });
  const problems = renderProblems(report);
  if (problems) err(problems);
  err(summaryLine(report));
  if (!report.ok) {
    err('Fix the errors above, or suppress one with a written reason (docs/policy-rules.md, "Suppressing a rule"). `npx flashcrowd policy` shows the full report.');
  }
  return { exitCode: report.ok ? 0 : 1, report };
}
