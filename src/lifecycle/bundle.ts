/**
 * Bundles the lifecycle's Lambda handlers with esbuild into deterministic zip files, cached on disk.
 *
 * The cache key is a hash of everything that decides the output: the handler sources (every file
 * under {@link SOURCE_DIRS}), package-lock.json (the bundled AWS SDK versions), the esbuild version
 * and the build options. A warm synth only hashes those files and reads a manifest; a cold one
 * bundles once (a few hundred ms) and writes the zips. The zips are written with fixed timestamps,
 * so the same sources always give the same bytes and the same `source_code_hash`.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { buildSync, version as esbuildVersion, type BuildOptions } from "esbuild";
import { zipSync } from "fflate";
import { PROJECT_ROOT } from "../core/project-root";
import { LAMBDA_NODE_RUNTIME } from "../../modules/compute/lambda-runtime";

/** Handler entry files under src/lifecycle/handlers, by the key the control stack uses. */
export const HANDLERS = {
  tfcRun: "tfc-run",
  dmsReplication: "dms-replication",
  eventDatabase: "event-database",
  quiesce: "quiesce",
  smokeCheck: "smoke-check",
  notify: "notify",
  /** Run by each event stack's own functions (in the event VPC), not by the control stack. */
  postApply: "post-apply",
  /** In the event's data subnets, next to both databases: the key-block check and the reconciliation. */
  dataCheck: "data-check",
} as const;

export type HandlerKey = keyof typeof HANDLERS;

export interface LambdaBundle {
  /** Absolute path of the zip (one file, `index.js`, exporting `handler`). */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip, as Terraform's `source_code_hash` expects. */
  readonly sha256Base64: string;
  /** Short hex hash of the zip, for the asset's folder name. */
  readonly hash: string;
  readonly bytes: number;
}

/**
 * Folders and files (relative to the repository root) the handlers may import; all of them are
 * hashed. `post-apply-config.ts` is shared with the event stack, which builds the function's
 * environment and policy from it.
 */
export const SOURCE_DIRS = ["src/lifecycle/handlers", "src/tfc", "src/lifecycle/post-apply-config.ts", "src/lifecycle/contracts.ts", "src/lifecycle/reconcile.ts"] as const;

const ROOT = PROJECT_ROOT;
const ZIP_TIME = new Date("1980-01-01T00:00:00Z");
const BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  target: LAMBDA_NODE_RUNTIME.esbuildTarget,
  format: "cjs",
  minify: true,
  // Error class names are what Step Functions matches in Retry/Catch: keep them through minification.
  keepNames: true,
  legalComments: "none",
  sourcemap: false,
  charset: "utf8",
} as const satisfies BuildOptions;

export interface BundleOptions {
  /** @default node_modules/.cache/flashcrowd/lambda under the repository root */
  readonly cacheDir?: string;
}

const memo = new Map<string, Record<HandlerKey, LambdaBundle>>();

/** The zipped handlers, built on first use and reused while their sources do not change. */
export function lambdaBundles(options: BundleOptions = {}): Record<HandlerKey, LambdaBundle> {
  const cacheDir = options.cacheDir ?? join(ROOT, "node_modules", ".cache", "flashcrowd", "lambda");
  const key = cacheKey();
  const memoKey = `${cacheDir}:${key}`;
  const hit = memo.get(memoKey);
  if (hit) return hit;
  const dir = join(cacheDir, key);
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) build(dir);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<HandlerKey, Omit<LambdaBundle, "zipPath">>;
  const bundles = Object.fromEntries(
    Object.entries(manifest).map(([k, v]) => [k, { ...v, zipPath: join(dir, `${HANDLERS[k as HandlerKey]}.zip`) }]),
  ) as Record<HandlerKey, LambdaBundle>;
  memo.set(memoKey, bundles);
  return bundles;
}

/** Hash of every input of the bundles. */
export function cacheKey(): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ esbuild: esbuildVersion, options: BUILD_OPTIONS, handlers: HANDLERS, dirs: SOURCE_DIRS }));
  for (const file of SOURCE_DIRS.flatMap((d) => listFiles(join(ROOT, d))).sort()) {
    hash.update(`\0${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
  }
  hash.update(readFileSync(join(ROOT, "package-lock.json")));
  return hash.digest("hex").slice(0, 24);
}

function listFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function build(dir: string): void {
  const result = buildSync({
    ...BUILD_OPTIONS,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.values(HANDLERS).map((name) => [name, join(ROOT, "src", "lifecycle", "handlers", `${name}.ts`)])),
    outdir: join(dir, "out"),
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  // The cache key covers SOURCE_DIRS only: a handler importing from elsewhere would make it unsound.
  const outside = Object.keys(result.metafile.inputs).filter(
    (input) => !input.startsWith("node_modules/") && !SOURCE_DIRS.some((d) => input === d || input.startsWith(`${d}/`)),
  );
  if (outside.length > 0) {
    throw new Error(`Lambda handlers import ${outside.join(", ")}, outside ${SOURCE_DIRS.join(", ")}; move the code or add its folder to SOURCE_DIRS in src/lifecycle/bundle.ts`);
  }

  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  const manifest: Record<string, Omit<LambdaBundle, "zipPath">> = {};
  for (const [key, name] of Object.entries(HANDLERS)) {
    const js = result.outputFiles.find((f) => f.path === join(dir, "out", `${name}.js`));
    if (!js) throw new Error(`esbuild produced no output for ${name}`);
    const zip = zipSync({ "index.js": [js.contents, { mtime: ZIP_TIME, level: 9 }] });
    writeFileSync(join(staging, `${name}.zip`), zip);
    const sha = createHash("sha256").update(zip).digest();
    manifest[key] = { sha256Base64: sha.toString("base64"), hash: sha.toString("hex").slice(0, 16).toUpperCase(), bytes: zip.length };
  }
  writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process (a parallel test worker) finished the same build first: its output is identical.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, "manifest.json"))) throw error;
  }
}

/** For error messages and tests: a path relative to the repository root, with forward slashes. */
export function repoRelative(path: string): string {
  return relative(ROOT, path).split(sep).join("/");
}
