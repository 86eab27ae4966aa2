#!/usr/bin/env node
// Entry point of `npx flashcrowd`: runs the CLI (src/cli/index.ts) from a bundled build cached by
// ./bundle-cache.cjs, which says when it is rebuilt.
//
// The CLI is bundled as ES modules with code splitting: the entry holds the registry of commands
// (names, summaries, usage) and each command becomes a chunk that `import()` loads when it runs,
// with the code commands share (cdktf, the config) in shared chunks loaded once. So `--help`
// parses a few kilobytes, not the ~10 MB a command needs, and a class shared by the registry and a
// command (ConfigError) is one class. Separate CommonJS bundles per command would load as little
// but copy the shared code into each, breaking that identity; splitting needs format "esm".
//
// Before loading the entry, the launcher checks only the entry's own inputs against its last build
// (a few stats). Only when the arguments run a command does it compute the key of the whole tree
// (~250 stats), rebuilding and reloading the entry when a source changed.
//
// FLASHCROWD_NO_BUNDLE=1 runs the sources through tsx instead (debugging with source maps).
"use strict";
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

async function start(argv) {
  if (process.env.FLASHCROWD_NO_BUNDLE) {
    // tsx's loader for both require() and import(): the registry loads commands with import().
    await import("tsx");
    return require("../cli/index.ts");
  }
  const { ROOT, bundle, unchangedEntry } = require("./bundle-cache.cjs");
  // The bundle lives under node_modules, which may be a link to another checkout's (worktrees
  // sharing one install): tell it which repository it was built from.
  process.env.FLASHCROWD_PROJECT_ROOT = ROOT;
  const spec = { name: "cli", entryPoints: { main: join(ROOT, "src", "cli", "index.ts") }, format: "esm", splitting: true, remember: ["main"], launchers: [join(__dirname, "flashcrowd.cjs")] };
  const load = (dir) => import(pathToFileURL(join(dir, "main.mjs")).href);
  const last = unchangedEntry(spec, "main");
  const cli = last && (await load(last));
  if (cli && !cli.loadsCommand(argv)) return cli;
  const dir = bundle(spec);
  return dir === last ? cli : load(dir);
}

const argv = process.argv.slice(2);
start(argv)
  .then((cli) => cli.main(argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`flashcrowd: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );
