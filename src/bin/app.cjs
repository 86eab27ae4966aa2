#!/usr/bin/env node
// Runs the CDKTF app (src/app/main.ts) from a bundled build: `npm run synth` and cdktf.json's `app`.
//
// Loading ~200 TypeScript files through tsx, plus cdktf and the provider classes, one module at a
// time, was over half of the synth time. esbuild bundles them into one CommonJS file, cached in
// node_modules/.cache/flashcrowd/app/ under a key of every source file's path, size and mtime and
// of the lock file, so an edit rebuilds (~0.3 s) and an unchanged tree starts straight from the
// cache. No type-check happens here; that is `npm run typecheck`.
//
// FLASHCROWD_NO_BUNDLE=1 runs the sources through tsx instead (debugging with source maps).
// An optional argument names another entry file (the benchmark's generated calendars).
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, renameSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..", "..");
const ENTRY = process.argv[2] && /\.[cm]?ts$/.test(process.argv[2]) ? resolve(process.argv[2]) : join(ROOT, "src", "app", "main.ts");
const SOURCE_DIRS = ["src", "stacks", "modules"];
const CACHE_DIR = join(ROOT, "node_modules", ".cache", "flashcrowd", "app");
// Packages that must stay outside the bundle: esbuild ships a native binary it locates at run time
// (the control stack bundles its Lambda handlers with it).
const EXTERNAL = ["esbuild"];

function sourceKey() {
  const hash = createHash("sha256");
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|cts|mts|js|cjs|json)$/.test(entry.name)) {
        const st = statSync(path);
        hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) visit(join(ROOT, dir));
  for (const file of ["package-lock.json", "tsconfig.json"]) {
    const st = statSync(join(ROOT, file));
    hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  const entry = statSync(ENTRY);
  hash.update(`${ENTRY}\0${entry.size}\0${entry.mtimeMs}\n${process.version}`);
  return hash.digest("hex").slice(0, 16);
}

function bundled() {
  const out = join(CACHE_DIR, `main-${sourceKey()}.cjs`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  require("esbuild").buildSync({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    // Entries outside the repository (generated ones) still resolve packages from it.
    nodePaths: [join(ROOT, "node_modules")],
    logLevel: "warning",
    // No keepNames: its wrappers cost ~10% of a large synth, and nothing here reads function names.
  });
  renameSync(tmp, out);
  return out;
}

if (process.env.FLASHCROWD_NO_BUNDLE) {
  require("tsx/cjs/api").register();
  require(ENTRY);
} else {
  // The bundle lives under node_modules, which may be a link to another checkout's (worktrees
  // sharing one install): tell it which repository it was built from.
  process.env.FLASHCROWD_PROJECT_ROOT = ROOT;
  require(bundled());
}
