import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeCostTable, estimateStack, summarizeCost, usd, type CostEstimate, type StackJson } from "../../ci/cost";
import { HOURS_PER_MONTH } from "../../ci/prices";
import type { Command } from "../index";
import { loadConfig } from "../../config";
import { stackCatalog, type StackCatalog } from "../../app/stack-catalog";
import { table } from "./stacks";
import { synthFolder } from "./synthesize";

/**
 * Cost estimates of the synthesized stacks that use AWS, in catalog order: permanent stacks per
 * month, `event-edge` as idle cost, event stacks per hour and for their life from the calendar.
 * Stacks the catalog does not know are estimated as permanent.
 */
export function estimateStacks(synthDir: string, catalog: StackCatalog, ids?: readonly string[]): CostEstimate[] {
  const order = new Map(catalog.ids().map((id, i) => [id, i]));
  const wanted = (ids ?? catalog.ids()).filter((id) => existsSync(join(synthDir, "stacks", id, "cdk.tf.json")));
  return [...wanted]
    .sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b))
    .flatMap((id) => {
      const json = JSON.parse(readFileSync(join(synthDir, "stacks", id, "cdk.tf.json"), "utf8")) as StackJson;
      if ((json.provider?.aws ?? []).length === 0) return [];
      const entry = catalog.find(id);
      return [
        estimateStack({
          stack: id,
          json,
          lifetime: entry?.kind ?? "permanent",
          idle: entry?.type === "event-edge",
          ...(entry?.event ? { window: { spinUpAt: entry.event.spinUpAt, teardownAt: entry.event.teardownAt } } : {}),
        }),
      ];
    });
}

export const costCommand: Command = {
  summary: "Estimate what each stack costs: permanent stacks per month, events per hour and for their life",
  usage:
    "flashcrowd cost [<stack> ...] [--synth-dir DIR] [--items] [--json]\n" +
    "  --synth-dir DIR  estimate an existing synth output instead of synthesizing\n" +
    "  --items          also list every priced resource and what is not estimated\n" +
    "  --json           print the estimates as JSON",
  async run(args, io) {
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
  },
};
