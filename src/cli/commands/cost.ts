import { parseArgs } from "node:util";
import { describeCostTable, estimateStacks, summarizeCost, usd } from "../../ci/cost";
import { HOURS_PER_MONTH } from "../../ci/prices";
import { table, type Io } from "../command";
import { loadConfig } from "../../config";
import { stackCatalog } from "../../topology/stack-catalog";
import { synthFolder } from "../synth-folder";

/** `flashcrowd cost`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { "synth-dir": { type: "string" }, items: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
  });
  const config = loadConfig(io.env);
  const catalog = stackCatalog(config);
  const unknown = positionals.filter((s) => !catalog.find(s));
  if (unknown.length > 0) {
    io.err(`flashcrowd cost: unknown stack ${unknown.join(", ")}; stacks are: ${catalog.ids().join(", ")}`);
    return 2;
  }
  const synth = synthFolder(config, values["synth-dir"], { scratchPrefix: "flashcrowd-cost-" });
  try {
    const costs = estimateStacks(synth.dir, catalog, positionals.length > 0 ? positionals : undefined);
    if (values.json) {
      io.out(JSON.stringify(costs, null, 2));
      return 0;
    }
    const rows = costs.map((c) => [c.stack, c.event ? "event" : c.idle ? "idle" : "permanent", summarizeCost(c)]);
    const lines = [table(["stack", "lifetime", "estimate (USD, time-billed parts)"], rows)];
    if (values.items) {
      for (const c of costs) {
        lines.push("", `${c.stack}:`);
        lines.push(
          table(
            ["what", "quantity", "region", "per hour", "per month", "resource"],
            c.items.map((i) => [
              i.what,
              String(i.quantity),
              i.region,
              // Hourly rates are fractions of a cent apart: four decimals keep them comparable.
              i.perHour > 0 ? `$${i.perHour.toFixed(4)}` : "",
              usd(i.perMonth > 0 ? i.perMonth : i.perHour * HOURS_PER_MONTH),
              i.constructPath ?? i.address,
            ]),
          ),
        );
        for (const s of c.event?.prewarm ?? []) lines.push(`  + ${s.what}: ${s.taskHours.toFixed(1)} task-hours above the minimum, ${usd(s.usd)} (${s.address})`);
        if (c.notEstimated.length > 0) lines.push(`  not estimated: ${c.notEstimated.map((n) => n.what).join("; ")}`);
      }
    }
    const usage = [...new Set(costs.flatMap((c) => c.notEstimated.map((n) => n.what)))].sort();
    lines.push("", `Not estimated (billed by use): ${usage.length > 0 ? usage.join(", ") : "nothing"}.`, describeCostTable(costs));
    io.out(lines.join("\n"));
    return 0;
  } finally {
    synth.dispose();
  }
}
