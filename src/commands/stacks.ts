import { parseArgs } from "node:util";
import { buildApp } from "../app";
import type { Command } from "../cli";
import { loadConfig } from "../config";
import { Naming } from "../config/naming";

export interface StackInfo {
  readonly stack: string;
  readonly workspace: string;
  readonly kind: "platform" | "addons" | "event";
  readonly account: string;
  readonly region: string;
  /** For event stacks: spin-up and teardown instants (ISO-8601 in the event's zone). */
  readonly spinUpAt?: string;
  readonly teardownAt?: string;
}

/** Every stack of the configured app with its workspace and, for events, its schedule. */
export function describeStacks(env: NodeJS.ProcessEnv): StackInfo[] {
  const config = loadConfig(env);
  const built = buildApp(config);
  const out: StackInfo[] = [];
  for (const [id, stack] of Object.entries(built.platforms)) {
    out.push({ stack: id, workspace: stack.naming.workspace, kind: "platform", account: stack.target.account, region: stack.target.region });
    const addons = built.addons[id];
    if (addons) {
      out.push({ stack: addons.node.id, workspace: addons.naming.workspace, kind: "addons", account: addons.target.account, region: addons.target.region });
    }
  }
  for (const event of config.events.calendar) {
    const platform = config.events.platform;
    out.push({
      stack: event.stackId,
      workspace: Naming.workspace(config.project.name, event.stackId),
      kind: "event",
      account: platform.account,
      region: platform.region,
      spinUpAt: event.spinUpAt.toISO({ suppressMilliseconds: true }) ?? undefined,
      teardownAt: event.teardownAt.toISO({ suppressMilliseconds: true }) ?? undefined,
    });
  }
  return out;
}

export const stacksCommand: Command = {
  summary: "List the stacks (= Terraform Cloud workspaces) the configuration produces",
  usage: "flashcrowd stacks [--json]",
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } }, strict: true });
    const stacks = describeStacks(io.env);
    if (values.json) {
      io.out(JSON.stringify(stacks, null, 2));
      return 0;
    }
    const rows = stacks.map((s) => [s.stack, s.workspace, s.kind, `${s.account}/${s.region}`, s.spinUpAt ?? "", s.teardownAt ?? ""]);
    io.out(table(["stack", "workspace", "kind", "account/region", "spin-up", "teardown"], rows));
    return 0;
  },
};

/** Plain-text table with padded columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
