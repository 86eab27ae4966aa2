import type { Io } from "../../src/cli/command";

/** What a command printed, and the `Io` it printed through. */
export interface CapturedIo {
  readonly io: Io;
  readonly out: string[];
  readonly err: string[];
}

/** An `Io` that keeps every line a command writes to standard output and standard error. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), env }, out, err };
}
