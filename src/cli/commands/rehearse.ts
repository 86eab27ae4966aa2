import { parseArgs } from "node:util";
import { table, UsageError, type Io } from "../command";
import { defaultConfigInput, loadConfig } from "../../config";
import { findMariadb } from "../../rehearsal/mariadb";
import { runScenarios, startServers, synthesizeForRehearsal } from "../../rehearsal/run";
import { SCENARIOS, scenarioNamed } from "../../rehearsal/scenarios";

/** `flashcrowd rehearse`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { scenario: { type: "string", multiple: true }, list: { type: "boolean" }, "synth-dir": { type: "string" }, quiet: { type: "boolean" } },
  });
  if (values.list) {
    io.out(table(["scenario", "what it rehearses"], SCENARIOS.map((s) => [s.name, s.summary])));
    return 0;
  }
  const slug = positionals[0];
  if (!slug || positionals.length > 1) throw new UsageError("flashcrowd rehearse: give one <event-slug>, or --list");
  const scenarios = values.scenario?.length ? values.scenario.map(scenarioNamed) : [scenarioNamed("happy-path")];
  const mariadb = findMariadb();
  if ("missing" in mariadb) {
    io.err(`flashcrowd rehearse: ${mariadb.missing}`);
    return 1;
  }
  const config = loadConfig(io.env);
  const synth = values["synth-dir"] ? { dir: values["synth-dir"], dispose: () => undefined } : synthesizeForRehearsal(config, slug);
  const servers = await startServers();
  try {
    const reports = await runScenarios({ config, input: defaultConfigInput, slug, synthDir: synth.dir, scenarios, servers, print: values.quiet ? undefined : (line) => io.out(line) });
    io.out("");
    io.out(
      table(
        ["scenario", "result", "orders written", "event orders in prod", "destroyed", "wall s"],
        reports.map((r) => [r.scenario, r.problems.length === 0 ? "passed" : "FAILED", String(r.ordersWritten), String(r.prodRows), r.destroyed ? "yes" : "no", (r.wallMs / 1000).toFixed(1)]),
      ),
    );
    for (const r of reports) for (const p of r.problems) io.err(`${r.scenario}: ${p}`);
    return reports.every((r) => r.problems.length === 0) ? 0 : 1;
  } finally {
    await servers.stop();
    synth.dispose();
  }
}
