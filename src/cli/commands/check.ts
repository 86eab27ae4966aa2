import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { awsOnlyStacks, findTerraform, listStacks, runOfflineChecks } from "../../ci/terraform-harness";
import { table, type Io } from "../command";
import { loadConfig } from "../../config";
import { synthFolder } from "../synth-folder";

/** `flashcrowd check`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      "no-plan": { type: "boolean", default: false },
      "plan-json": { type: "boolean", default: false },
      "synth-dir": { type: "string" },
      "work-dir": { type: "string" },
    },
  });
  const terraform = findTerraform(io.env);
  if (!terraform) {
    io.err("flashcrowd check: no Terraform CLI on PATH; install Terraform >= 1.6 or set TERRAFORM_BIN");
    return 2;
  }
  const workDir = resolve(values["work-dir"] ?? "node_modules/.cache/flashcrowd/check");
  const synthDir = synthFolder(loadConfig(io.env), values["synth-dir"], { into: join(workDir, "cdktf.out"), scratchPrefix: "flashcrowd-check-" }).dir;
  const all = listStacks(synthDir);
  const unknown = positionals.filter((s) => !all.includes(s));
  if (unknown.length > 0) {
    io.err(`flashcrowd check: unknown stack ${unknown.join(", ")}; stacks are: ${all.join(", ")}`);
    return 2;
  }
  const checkable = awsOnlyStacks(synthDir);
  const wanted = positionals.length > 0 ? positionals : checkable;
  const skipped = wanted.filter((s) => !checkable.includes(s));
  for (const s of skipped) io.err(`${s}: skipped (uses providers other than hashicorp/aws; checked by unit tests)`);
  const results = await runOfflineChecks({
    synthDir,
    workDir,
    terraform,
    stacks: wanted.filter((s) => checkable.includes(s)),
    plan: !values["no-plan"],
    planJson: values["plan-json"],
    log: (line) => io.err(line),
  });
  io.out(
    table(
      ["stack", "validate", "plan", "resources", "seconds"],
      results.map((r) => [
        r.stack,
        r.validated ? "ok" : "FAILED",
        r.planned ? "ok" : r.validated && values["no-plan"] ? "-" : "FAILED",
        r.plannedResources?.toString() ?? "",
        r.seconds.toFixed(1),
      ]),
    ),
  );
  for (const r of results.filter((r) => r.error)) io.err(`\n${r.stack}:\n${r.error}`);
  if (values["plan-json"]) for (const r of results.filter((r) => r.planJsonPath)) io.out(`${r.stack}: ${r.planJsonPath}`);
  return results.some((r) => r.error) ? 1 : 0;
}
