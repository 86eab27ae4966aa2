#!/usr/bin/env node
// Runs the CDKTF app (src/app/main.ts) from a bundled build: `npm run synth` and cdktf.json's `app`.
// The bundle is one CommonJS file (the app has a single entry and loads all of it), cached by
// ./bundle-cache.cjs, which says when it is rebuilt.
//
// FLASHCROWD_NO_BUNDLE=1 runs the sources through tsx instead (debugging with source maps).
// An optional argument names another entry file (the benchmark's generated calendars).
"use strict";
const { join, resolve } = require("node:path");
const { ROOT, bundle } = require("./bundle-cache.cjs");

const given = process.argv[2] && /\.[cm]?ts$/.test(process.argv[2]) ? resolve(process.argv[2]) : undefined;
const ENTRY = given ?? join(ROOT, "src", "app", "main.ts");

if (process.env.FLASHCROWD_NO_BUNDLE) {
  require("tsx/cjs/api").register();
  require(ENTRY);
} else {
  // The bundle lives under node_modules, which may be a link to another checkout's (worktrees
  // sharing one install): tell it which repository it was built from.
  process.env.FLASHCROWD_PROJECT_ROOT = ROOT;
  const dir = bundle({ name: "app", entryPoints: { main: ENTRY }, format: "cjs", extraFiles: given ? [given] : [] });
  require(join(dir, "main.cjs"));
}
