/**
 * `npx flashcrowd <command>`: the operator's command line.
 *
 * The registry below is static text plus a loader per command: `main()` loads the one command
 * module that runs, so `flashcrowd --help` and `flashcrowd <command> --help` load none of them (nor
 * cdktf, the providers, the AWS SDK or mysql2, which they import). This file loads nothing but
 * ./command.ts up front (the configuration module only once a command has failed); keep it that
 * way: __tests__/cli/launcher.test.ts checks what the bundled entry is made of.
 *
 * The loaders name `.js` files: dynamic `import()` follows ECMAScript resolution under
 * `moduleResolution: NodeNext`; esbuild, tsx and vitest all map them to the `.ts` sources.
 */
import { UsageError, type Command, type CommandModule, type Io } from "./command";

export type { Command, CommandModule, Io } from "./command";

export const commands: Record<string, Command> = {
  stacks: {
    summary: "List the stacks (= Terraform Cloud workspaces) the configuration produces",
    usage: "flashcrowd stacks [--json]",
    load: () => import("./commands/stacks.js"),
  },
  check: {
    summary: "Synthesize, then terraform validate + offline plan every AWS-only stack (no credentials)",
    usage:
      "flashcrowd check [<stack> ...] [--no-plan] [--plan-json] [--synth-dir DIR] [--work-dir DIR]\n" +
      "  --synth-dir DIR  check an existing synth output instead of synthesizing\n" +
      "  --work-dir DIR   scratch folder (default node_modules/.cache/flashcrowd/check)\n" +
      "  --plan-json      also write plan.json (terraform show -json) per stack",
    load: () => import("./commands/check.js"),
  },
  policy: {
    summary: "Run the policy pack over every stack: a table per stack, JSON for the PR comment; exit 1 on unsuppressed errors",
    usage:
      "flashcrowd policy [<stack> ...] [--json FILE] [--synth-dir DIR] [--rules]\n" +
      '  --json FILE      also write the report as JSON (shape: docs/policy-rules.md)\n' +
      "  --synth-dir DIR  check an existing synth output instead of synthesizing\n" +
      "  --rules          list the rules (id, severity, title) and exit",
    load: () => import("./commands/policy.js"),
  },
  tfc: {
    summary: "Terraform Cloud: upload a stack's configuration, run it (apply or destroy), show its status",
    usage:
      "flashcrowd tfc upload <stack> [--synth-dir DIR]\n" +
      "       flashcrowd tfc run <stack> [--destroy] [--auto-apply] [--message TEXT] [--no-wait] [--timeout SECONDS]\n" +
      "       flashcrowd tfc status <stack>\n" +
      "  upload      synthesize (or use --synth-dir) and upload stacks/<stack> as a new configuration version (starts no run)\n" +
      "  run         start a run on the stack's workspace, or follow the one already under way for the same intent;\n" +
      "              exits 0 when it ends applied or planned_and_finished\n" +
      "  status      the workspace and its latest run\n" +
      "Token: TFC_TOKEN, else TF_TOKEN_<host> (TF_TOKEN_app_terraform_io). Address: TFC_ADDRESS (default https://<configured host>).",
    load: () => import("./commands/tfc.js"),
  },
  "plan-comment": {
    summary: "Render Terraform JSON plans (and the policy report) as the pull-request comment, in Markdown",
    usage:
      "flashcrowd plan-comment --plan <stack>=<plan.json> [--plan ...] [--run-url <stack>=<url>] [--policy <report.json>] [--offline <stack>] [--synth-dir DIR] [--counts-out FILE]\n" +
      "  --plan STACK=FILE     output of `terraform show -json` for a stack; STACK:destroy=FILE for an event's destroy preview\n" +
      "  --run-url STACK=URL   link to the stack's run in Terraform Cloud (a link without a plan is shown as a missing plan)\n" +
      "  --policy FILE         the policy pack's JSON report\n" +
      "  --offline STACK       STACK's plan comes from the offline harness (its workspace does not exist yet)\n" +
      "  --synth-dir DIR       the synthesized head (cdktf.out): construct paths and the cost estimate of each planned stack\n" +
      "  --counts-out FILE     also write the counts per stack and action as JSON (for workflows to gate on)",
    load: () => import("./commands/plan-comment.js"),
  },
  "changed-stacks": {
    summary: "List the stacks whose synthesized configuration differs between two synth folders, in deploy order",
    usage:
      "flashcrowd changed-stacks --base DIR --head DIR [--json]\n" +
      "  --base DIR  cdktf.out of the base (a folder without stacks/ counts as empty: every stack is new)\n" +
      "  --head DIR  cdktf.out of the head\n" +
      "  --json      print { changed, added, removed, permanent, ephemeral, unknown } as JSON\n" +
      'Exits 1 when an event the base has was removed while its environment may be up (see docs/operations.md, "Retiring and removing an event").',
    load: () => import("./commands/changed-stacks.js"),
  },
  rehearse: {
    summary: "Rehearse an event's whole lifecycle offline: the synthesized state machine, the real handlers, fakes of Terraform Cloud and AWS, real MariaDB",
    usage: "flashcrowd rehearse <event-slug> [--scenario NAME]... [--synth-dir DIR] [--quiet] | flashcrowd rehearse --list",
    load: () => import("./commands/rehearse.js"),
  },
  cost: {
    summary: "Estimate what each stack costs: permanent stacks per month, events per hour and for their life",
    usage:
      "flashcrowd cost [<stack> ...] [--synth-dir DIR] [--items] [--json]\n" +
      "  --synth-dir DIR  estimate an existing synth output instead of synthesizing\n" +
      "  --items          also list every priced resource and what is not estimated\n" +
      "  --json           print the estimates as JSON",
    load: () => import("./commands/cost.js"),
  },
};

const defaultIo: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  env: process.env,
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    "usage: flashcrowd <command> [options]",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `flashcrowd <command> --help` for a command's options.",
  ].join("\n");
}

/** What an argument vector asks for. Only `run` loads a command module. */
export type Request =
  | { readonly kind: "usage"; readonly code: 0 | 2 }
  | { readonly kind: "unknown"; readonly name: string }
  | { readonly kind: "help"; readonly name: string; readonly command: Command }
  | { readonly kind: "run"; readonly name: string; readonly command: Command; readonly args: string[] };

export function request(argv: readonly string[]): Request {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") return { kind: "usage", code: name ? 0 : 2 };
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) return { kind: "unknown", name };
  if (args.includes("--help") || args.includes("-h")) return { kind: "help", name, command };
  return { kind: "run", name, command, args };
}

/** Whether `main(argv)` loads a command module (src/bin/flashcrowd.cjs makes sure its bundle is current first). */
export function loadsCommand(argv: readonly string[]): boolean {
  return request(argv).kind === "run";
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const r = request(argv);
  switch (r.kind) {
    case "usage":
      io.out(usage());
      return r.code;
    case "unknown":
      io.err(`flashcrowd: unknown command "${r.name}"\n\n${usage()}`);
      return 2;
    case "help":
      io.out(`usage: ${r.command.usage}\n\n${r.command.summary}`);
      return 0;
    case "run":
      return runCommand(r.name, await r.command.load(), r.args, io);
  }
}

/**
 * Runs a loaded command module as `flashcrowd <name>`: usage errors, argument errors and
 * configuration errors become a message and exit code 2 or 1; anything else is thrown.
 */
export async function runCommand(name: string, module: CommandModule, args: string[], io: Io): Promise<number> {
  const usageLine = `usage: ${commands[name]?.usage ?? `flashcrowd ${name}`}`;
  try {
    return await module.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${usageLine}`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`flashcrowd ${name}: ${(error as Error).message}\n${usageLine}`);
      return 2;
    }
    // Loaded only now: the command that failed has loaded the configuration already.
    const { ConfigError } = await import("../config/index.js");
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
