import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildApp } from "../app/app";
import type { Config } from "../config";
import { withCheapStackTraces } from "../core/cdktf-workarounds";

/** Synthesizes the configured app into `outdir` as `npm run synth` does (stack validation included). */
export function synthesizeApp(config: Config, outdir: string): void {
  withCheapStackTraces(() => buildApp(config, { outdir }).synth());
}

/** A synth folder a command reads, and how to clean it up. */
export interface SynthFolder {
  readonly dir: string;
  /** Removes the folder when the command synthesized it into a scratch location. */
  dispose(): void;
}

/**
 * The synth output a command works on: `given` (`--synth-dir`) as it is, else a fresh synthesis
 * of the configured app into `into`, or into a scratch folder that `dispose()` removes.
 */
export function synthFolder(
  config: Config,
  given: string | undefined,
  options: { readonly into?: string; readonly scratchPrefix: string; readonly synth?: (config: Config, outdir: string) => void },
): SynthFolder {
  if (given) return { dir: resolve(given), dispose: () => undefined };
  const synth = options.synth ?? synthesizeApp;
  if (options.into) {
    synth(config, options.into);
    return { dir: options.into, dispose: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), options.scratchPrefix));
  synth(config, dir);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
