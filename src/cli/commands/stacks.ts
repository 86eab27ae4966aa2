import { parseArgs } from "node:util";
import { table, type Io } from "../command";
import { loadConfig } from "../../config";
import { stackCatalog, type StackKind, type StackType } from "../../topology/stack-catalog";

export interface StackInfo {
  readonly stack: string;
  readonly workspace: string;
  /** What the stack is: tfc, platform, addons, event-edge, control or event. */
  readonly kind: StackType;
  /** Permanent, or ephemeral (event stacks). */
  readonly lifetime: StackKind;
  /** Where its AWS resources live; absent for stacks without AWS (tfc). */
  readonly account?: string;
  readonly region?: string;
  /** For event stacks: spin-up and teardown instants (ISO-8601 in the event's zone). */
  readonly spinUpAt?: string;
  readonly teardownAt?: string;
}

/**
 * Every stack the configured app builds, in deploy order (from the stack catalog, which the app is
 * built from), with its workspace and, for events, its schedule.
 */
export function describeStacks(env: NodeJS.ProcessEnv): StackInfo[] {
  return stackCatalog(loadConfig(env)).stacks.map((s) => ({
    stack: s.id,
    workspace: s.workspace,
    kind: s.type,
    lifetime: s.kind,
    ...(s.aws ? { account: s.aws.account, region: s.aws.region } : {}),
    ...(s.event
      ? {
          spinUpAt: s.event.spinUpAt.toISO({ suppressMilliseconds: true }) ?? undefined,
          teardownAt: s.event.teardownAt.toISO({ suppressMilliseconds: true }) ?? undefined,
        }
      : {}),
  }));
}

/** `flashcrowd stacks`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } }, strict: true });
  const stacks = describeStacks(io.env);
  if (values.json) {
    io.out(JSON.stringify(stacks, null, 2));
    return 0;
  }
  const rows = stacks.map((s) => [s.stack, s.workspace, s.kind, s.account ? `${s.account}/${s.region}` : "-", s.spinUpAt ?? "", s.teardownAt ?? ""]);
  io.out(table(["stack", "workspace", "kind", "account/region", "spin-up", "teardown"], rows));
  return 0;
}
