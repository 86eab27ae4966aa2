import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import { changedStacks } from "../../ci/changed-stacks";
import { loadConfig } from "../../config";
import { readCalendarManifest, unsafeRemovals } from "../../config/calendar-removals";
import { stackCatalog } from "../../topology/stack-catalog";
import { table, UsageError, type Io } from "../command";

/** `flashcrowd changed-stacks`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { base: { type: "string" }, head: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (!values.base || !values.head) throw new UsageError("flashcrowd changed-stacks: --base and --head are required");
  if (!existsSync(join(values.head, "stacks"))) {
    io.err(`flashcrowd changed-stacks: ${values.head} holds no synthesized stacks (no stacks/ folder); run npm run synth first`);
    return 2;
  }
  if (!existsSync(join(values.base, "stacks"))) io.err(`changed-stacks: ${values.base} holds no synthesized stacks; every stack counts as new`);
  const changes = changedStacks(values.base, values.head, stackCatalog(loadConfig(io.env)));
  for (const id of changes.unknown) io.err(`changed-stacks: ${id} changed but is not in the stack catalog; the workflows will not apply it`);
  // Checked before anything is applied: the tfc apply would otherwise fail on the workspace's safe
  // delete, or succeed and leave a live environment without its teardown schedule.
  const baseCalendar = readCalendarManifest(values.base);
  const headCalendar = readCalendarManifest(values.head);
  if (baseCalendar && headCalendar) {
    const unsafe = unsafeRemovals(baseCalendar, headCalendar, DateTime.now());
    for (const problem of unsafe) io.err(`::error::${problem}`);
    if (unsafe.length > 0) return 1;
  } else if (changes.removed.length > 0) {
    io.err("changed-stacks: the base recorded no calendar (synthesized before calendar.json existed); removed events are not checked");
  }
  if (values.json) {
    io.out(JSON.stringify(changes));
    return 0;
  }
  const kindOf = (id: string) => (changes.permanent.includes(id) ? "permanent" : changes.ephemeral.includes(id) ? "ephemeral" : "unknown");
  const rows = [
    ...changes.changed.map((id) => [id, changes.added.includes(id) ? "added" : "changed", kindOf(id)]),
    ...changes.removed.map((id) => [id, "removed", ""]),
  ];
  io.out(rows.length > 0 ? table(["stack", "change", "kind"], rows) : "no stack changed");
  return 0;
}
