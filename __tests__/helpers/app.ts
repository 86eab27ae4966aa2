import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app";
import type { Config } from "../../src/config";
import { loadConfig } from "../../src/config";

/** Synthesizes the whole app for `config` into a fresh temporary folder and returns that folder. */
export function synthApp(config: Config = loadConfig({})): string {
  const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-synth-"));
  buildApp(config, { outdir }).synth();
  return outdir;
}
