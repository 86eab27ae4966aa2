import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { renderProblems, summaryLine } from "./policy/report";
import { runPolicy } from "./policy/run";

try {
  const config = loadConfig();
  const { app } = buildApp(config);
  app.synth();
  // The policy pack runs on what was just written; an unsuppressed error fails synthesis.
  const report = runPolicy({ synthDir: app.outdir, config });
  const problems = renderProblems(report);
  if (problems) process.stderr.write(`${problems}\n`);
  process.stderr.write(`${summaryLine(report)}\n`);
  if (!report.ok) {
    process.stderr.write('Fix the errors above, or suppress one with a written reason (README "Policy pack"). `npx flashcrowd policy` shows the full report.\n');
    process.exit(1);
  }
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
