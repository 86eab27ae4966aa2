// The esbuild bundles the launchers run from, cached on disk: src/bin/app.cjs (the CDKTF app,
// `npm run synth`) and src/bin/flashcrowd.cjs (`npx flashcrowd`).
//
// Loading ~250 TypeScript files through tsx, plus cdktf and the provider classes, one module at a
// time, took over half of a synth and most of a CLI command. esbuild bundles them instead. A build
// lives in node_modules/.cache/flashcrowd/<name>/<key>/, where the key hashes the path, size and
// mtime of every source file (src/, stacks/, modules/, these launchers included), of
// package.json, package-lock.json, tsconfig.json and of extra files a launcher names, and the Node
// version: an edit rebuilds once, an unchanged tree starts straight from the cache. No type-check
// happens here; that is `npm run typecheck`. Why this exists, when it can go, and its switch
// (FLASHCROWD_NO_BUNDLE=1): src/core/cdktf-workarounds/index.ts.
//
// Computing the key stats every source file (10-15 ms on a 2-core machine). A launcher that only
// needs one entry of the last build, and can tell that entry's own inputs are unchanged, skips
// that walk: see `unchangedEntry` (flashcrowd --help).
"use strict";
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join, resolve, sep } = require("node:path");

const ROOT = resolve(__dirname, "..", "..");
const CACHE_ROOT = join(ROOT, "node_modules", ".cache", "flashcrowd");
const SOURCE_DIRS = ["src", "stacks", "modules"];
const PROJECT_FILES = ["package.json", "package-lock.json", "tsconfig.json"];
// Packages that stay outside every bundle: esbuild ships a native binary it locates at run time
// (the control stack bundles its Lambda handlers with it).
const EXTERNAL = ["esbuild"];
// The cache may be shared by several checkouts (worktrees linking one node_modules): the pointer to
// a checkout's last build is named after the checkout.
const CHECKOUT = ROOT.replace(/[^A-Za-z0-9._-]+/g, "+");

/** `path size mtime` of a file or folder; a missing one stamps as such. */
function stamp(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${path}\0${st.size}\0${st.mtimeMs}` : `${path}\0missing`;
}

/** The key of the current sources (see the top of this file). */
function sourceKey(extraFiles) {
  // Required here: node:crypto costs a few ms to load, which `unchangedEntry` does without.
  const hash = require("node:crypto").createHash("sha256");
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|cts|mts|js|cjs|mjs|json)$/.test(entry.name)) hash.update(`${stamp(path)}\n`);
    }
  };
  for (const dir of SOURCE_DIRS) visit(join(ROOT, dir));
  for (const file of [...PROJECT_FILES.map((f) => join(ROOT, f)), ...extraFiles]) hash.update(`${stamp(file)}\n`);
  hash.update(process.version);
  return hash.digest("hex").slice(0, 16);
}

/**
 * The folder of a build of `spec` for the current sources, built first when there is none. It holds
 * one file per entry point, `<entry>.cjs` or `<entry>.mjs` by format, plus shared chunks when split.
 *
 * spec: { name, entryPoints: { <entry>: <source path> }, format: "cjs" | "esm", splitting?,
 *         extraFiles?: paths outside the source folders that the build depends on,
 *         remember?: entries `unchangedEntry` may later return without the walk }
 */
function bundle(spec) {
  const dir = join(CACHE_ROOT, spec.name, sourceKey(spec.extraFiles ?? []));
  if (!existsSync(dir)) build(spec, dir);
  if (spec.remember) remember(spec, dir);
  return dir;
}

function build(spec, dir) {
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const esm = spec.format === "esm";
  const result = require("esbuild").buildSync({
    entryPoints: spec.entryPoints,
    outdir: tmp,
    // Paths in the metafile are relative to this.
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node20",
    format: spec.format,
    splitting: Boolean(spec.splitting),
    outExtension: { ".js": esm ? ".mjs" : ".cjs" },
    chunkNames: "chunk-[hash]",
    external: EXTERNAL,
    // Bundled CommonJS packages (cdktf, constructs, the AWS SDK) call require() for Node's own
    // modules and for esbuild; an ES module has no require of its own.
    ...(esm ? { banner: { js: 'import { createRequire as __flashcrowdCreateRequire } from "node:module";\nconst require = __flashcrowdCreateRequire(import.meta.url);' } } : {}),
    // Entries outside the repository (generated ones) still resolve packages from it.
    nodePaths: [join(ROOT, "node_modules")],
    metafile: Boolean(spec.remember),
    logLevel: "warning",
    // No keepNames: its wrappers cost ~10% of a large synth, and nothing here reads function names.
  });
  if (spec.remember) writeFileSync(join(tmp, "inputs.json"), JSON.stringify(entryInputs(spec, tmp, result.metafile)));
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another process finished the same build first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
}

/**
 * For each remembered entry: the repository files its output and the chunks that output imports
 * statically were built from. Packages are left out: package-lock.json stands for them.
 */
function entryInputs(spec, outdir, metafile) {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [resolve(ROOT, path), output]));
  const inputs = {};
  for (const entry of spec.remember) {
    const files = new Set();
    const seen = new Set();
    const visit = (path) => {
      const output = outputs.get(path);
      if (!output || seen.has(path)) return;
      seen.add(path);
      for (const input of Object.keys(output.inputs)) {
        const file = resolve(ROOT, input);
        if (!file.split(sep).includes("node_modules")) files.add(file);
      }
      for (const imported of output.imports) {
        if (imported.kind === "import-statement" && !imported.external) visit(resolve(ROOT, imported.path));
      }
    };
    visit(join(outdir, `${entry}${spec.format === "esm" ? ".mjs" : ".cjs"}`));
    inputs[entry] = [...files].sort();
  }
  return inputs;
}

/**
 * What decides an entry's output, cheaply: its input files, the folders holding them (a file added
 * there could change what an import resolves to), the project files, the launchers and Node.
 */
function entryStamp(spec, files) {
  const folders = [...new Set(files.map((f) => dirname(f)))].sort();
  const launchers = [join(__dirname, "bundle-cache.cjs"), ...(spec.launchers ?? [])];
  return [...files, ...folders, ...PROJECT_FILES.map((f) => join(ROOT, f)), ...launchers, ...(spec.extraFiles ?? [])].map(stamp).concat(process.version).join("\n");
}

function pointerPath(spec) {
  return join(CACHE_ROOT, spec.name, `last-build-${CHECKOUT}.json`);
}

/** Records `dir` as the checkout's last build, with the stamp of each remembered entry. */
function remember(spec, dir) {
  const inputs = JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8"));
  const pointer = { dir, entries: Object.fromEntries(spec.remember.map((entry) => [entry, { files: inputs[entry], stamp: entryStamp(spec, inputs[entry]) }])) };
  const path = pointerPath(spec);
  const text = JSON.stringify(pointer);
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * The folder of the checkout's last build when `entry` (one of `spec.remember`) would come out the
 * same from the current sources, without walking the tree; else undefined. Only that entry and the
 * chunks it imports statically are vouched for: load anything else through `bundle(spec)`.
 */
function unchangedEntry(spec, entry) {
  let pointer;
  try {
    pointer = JSON.parse(readFileSync(pointerPath(spec), "utf8"));
  } catch {
    return undefined;
  }
  const last = pointer.entries && pointer.entries[entry];
  if (!last || !existsSync(pointer.dir) || entryStamp(spec, last.files) !== last.stamp) return undefined;
  return pointer.dir;
}

module.exports = { ROOT, bundle, unchangedEntry };
