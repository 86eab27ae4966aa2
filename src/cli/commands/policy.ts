import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { table, type Io } from "../command";
import { loadConfig } from "../../config";
import { POLICY_PACK } from "../../policy/pack";
import { renderReport, reportJson } from "../../policy/report";
import { runPolicy } from "../../policy/run";
import { policyInputs } from "../../topology/policy-context";
import { synthFolder } from "../synth-folder";

/** `flashcrowd policy`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "string" },
      "synth-dir": { type: "string" },
      rules: { type: "boolean", default: false },
    },
  });
  if (values.rules) {
    io.out(table(["id", "severity", "domain", "title"], POLICY_PACK.map((p) => [p.id, p.severity, p.domain, p.title])));
    return 0;
  }
  const config = loadConfig(io.env);
  const folder = synthFolder(config, values["synth-dir"], { scratchPrefix: "flashcrowd-policy-" });
  const synthDir = folder.dir;
  try {
    const report = runPolicy({ synthDir, ...policyInputs(config), stacks: positionals.length > 0 ? positionals : undefined });
    const missing = positionals.filter((s) => !report.stacks.some((r) => r.stack === s));
    if (missing.length > 0) {
      io.err(`flashcrowd policy: unknown stack ${missing.join(", ")}`);
      return 2;
    }
    io.out(renderReport(report));
    if (values.json) {
      writeFileSync(values.json, reportJson(report));
      io.out(`report written to ${values.json}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    folder.dispose();
  }
}
