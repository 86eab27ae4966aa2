/**
 * `npx flashcrowd <command>`: the operator's command line. Each command is a function of its
 * arguments and an output sink, returning the exit code (0 ok, 1 failure, 2 usage error).
 */
import { changedStacksCommand } from "./commands/changed-stacks";
import { checkCommand } from "./commands/check";
import { costCommand } from "./commands/cost";
import { policyCommand } from "./commands/policy";
import { rehearseCommand } from "./commands/rehearse";
import { planCommentCommand } from "./commands/plan-comment";
import { stacksCommand } from "./commands/stacks";
import { tfcCommand } from "./commands/tfc";
import { ConfigError } from "../config";

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: Io): Promise<number>;
}

export const commands: Record<string, Command> = {
  stacks: stacksCommand,
  check: checkCommand,
  policy: policyCommand,
  tfc: tfcCommand,
  "plan-comment": planCommentCommand,
  "changed-stacks": changedStacksCommand,
  rehearse: rehearseCommand,
  cost: costCommand,
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

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`flashcrowd: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`flashcrowd ${name}: ${(error as Error).message}\nusage: ${command.usage}`);
      return 2;
    }
    throw error;
  }
}
