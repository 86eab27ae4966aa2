/**
 * What the CLI's registry (./index.ts) and its commands (./commands/*.ts) share. Commands import
 * this file only, never the registry or each other: the registry loads a command module on demand,
 * so `flashcrowd --help` reads no command and none of what commands import (cdktf, the providers,
 * the AWS SDK, mysql2).
 */
export { table } from "../core/table";

/** Where a command writes, and the environment it reads. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** What a command module exports: a function of its arguments and an output sink, returning the exit code (0 ok, 1 failure, 2 usage error). */
export interface CommandModule {
  run(args: string[], io: Io): Promise<number>;
}

/** A command as the registry lists it: cheap, static text, and its module, loaded only when the command runs. */
export interface Command {
  readonly summary: string;
  /** Starts with `flashcrowd <name>`; following lines describe the options. */
  readonly usage: string;
  load(): Promise<CommandModule>;
}

/**
 * A usage problem found by a command: the CLI prints the message and the command's usage, and
 * exits 2. The message is the whole first line, e.g. `flashcrowd tfc: missing subcommand`.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
