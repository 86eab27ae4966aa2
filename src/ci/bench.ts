/**
 * `npm run bench`: wall time and peak RSS of whole synth processes (node start-up included),
 * median of 5 runs after one warm-up, for the repository's config and for calendars of 1, 10 and
 * 50 generated events; then the start-up of the CLI (`flashcrowd --help`, `flashcrowd stacks`)
 * against a bare `node -e 0`. Prints the tables and exits 1 when a target is missed.
 *
 * `npm run bench -- --reconcile` runs the data-reconciliation scenario instead (two MariaDB
 * servers, 1 M rows; see bench-reconcile.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchReconcile } from "./bench-reconcile";

const ROOT = resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Scenario {
  readonly name: string;
  /** App entry, run the way `npm run synth` runs it (src/bin/app.cjs: bundled, cached). */
  readonly entry: string;
  readonly maxSeconds?: number;
  readonly maxMegabytes?: number;
}

interface Measurement {
  readonly seconds: number;
  readonly megabytes: number;
  readonly stacks: number;
}

/**
 * An entry script doing what src/app/main.ts does (synthesis, then the policy pack) with the
 * repository's config and `events` generated events instead of its calendar.
 */
function generatedCalendarEntry(dir: string, events: number): string {
  const path = join(dir, `calendar-${events}.ts`);
  const src = (p: string) => JSON.stringify(join(ROOT, p));
  writeFileSync(
    path,
    `import { buildApp } from ${src("src/app/app")};
import { defaultConfigInput, validateConfig } from ${src("src/config")};
import { withCheapStackTraces } from ${src("src/core/cdktf-workarounds")};
import { synthWithPolicy } from ${src("src/app/gate")};

const input = structuredClone(defaultConfigInput);
input.events.calendar = Array.from({ length: ${events} }, (_, i) => ({
  slug: \`bench-event-\${i}\`,
  name: \`Benchmark event \${i}\`,
  opens: \`2027-02-\${String((i % 28) + 1).padStart(2, "0")}T20:00\`,
  closes: \`2027-02-\${String((i % 28) + 1).padStart(2, "0")}T23:00\`,
  timeZone: "Asia/Seoul",
  expectedPeakRps: 10000,
  cidr: \`10.\${64 + Math.floor(i / 16)}.\${(i % 16) * 16}.0/20\`,
  keyBlock: { first: 9_000_000_000_000 + i * 100_000_000_000, size: 100_000_000_000 },
}));
const config = validateConfig(input, process.env);
const { exitCode } = withCheapStackTraces(() => synthWithPolicy(buildApp(config), config, (text) => process.stderr.write(\`\${text}\n\`)));
process.exitCode = exitCode;
`,
  );
  return path;
}

function measure(scenario: Scenario, outdir: string, reporter: string): Measurement {
  rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--import", reporter, join(ROOT, "src", "bin", "app.cjs"), scenario.entry, outdir], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, FLASHCROWD_BENCH_RSS: join(outdir, "..", "rss.json") },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${scenario.name} failed:\n${result.stderr}`);
  const { maxRssKb } = JSON.parse(readFileSync(join(outdir, "..", "rss.json"), "utf8")) as { maxRssKb: number };
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
  return { seconds, megabytes: maxRssKb / 1024, stacks: Object.keys(manifest.stacks).length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): number {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-bench-"));
  // Peak RSS of the synth process itself, written when it exits.
  const reporter = join(dir, "rss-reporter.mjs");
  writeFileSync(
    reporter,
    `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.FLASHCROWD_BENCH_RSS, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })));
`,
  );
  const scenarios: Scenario[] = [
    { name: "default config (all stacks)", entry: join(ROOT, "src", "app", "main.ts"), maxSeconds: 1.5, maxMegabytes: 250 },
    { name: "calendar of 1 event", entry: generatedCalendarEntry(dir, 1) },
    { name: "calendar of 10 events", entry: generatedCalendarEntry(dir, 10) },
    { name: "calendar of 50 events", entry: generatedCalendarEntry(dir, 50), maxSeconds: 5 },
  ];

  const rows: string[][] = [];
  let failed = false;
  for (const scenario of scenarios) {
    const outdir = join(dir, "out");
    measure(scenario, outdir, reporter); // warm-up: builds the cached bundle, fills the disk cache
    const runs = Array.from({ length: RUNS }, () => measure(scenario, outdir, reporter));
    const seconds = median(runs.map((r) => r.seconds));
    const megabytes = median(runs.map((r) => r.megabytes));
    const ok = (scenario.maxSeconds === undefined || seconds <= scenario.maxSeconds) && (scenario.maxMegabytes === undefined || megabytes <= scenario.maxMegabytes);
    failed ||= !ok;
    const target = [scenario.maxSeconds && `<= ${scenario.maxSeconds} s`, scenario.maxMegabytes && `<= ${scenario.maxMegabytes} MB`].filter(Boolean).join(", ");
    rows.push([scenario.name, String(runs[0]!.stacks), seconds.toFixed(2), megabytes.toFixed(0), target || "-", target ? (ok ? "ok" : "MISSED") : "-"]);
    process.stderr.write(`${scenario.name}: ${seconds.toFixed(2)} s, ${megabytes.toFixed(0)} MB\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(markdownTable(["scenario", "stacks", `wall s (median of ${RUNS})`, "peak RSS MB", "target", "result"], rows));

  const cli = benchCliStartup();
  process.stdout.write(`\n${cli.table}`);
  return failed || cli.failed ? 1 : 0;
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}

/** Wall time of one process, in ms; throws when it fails. */
function wallMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env: process.env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
  return ms;
}

/** At most this many times a bare `node -e 0`: `flashcrowd --help` loads the registry only (src/bin/flashcrowd.cjs). */
const CLI_HELP_MAX_RATIO = 3;

/**
 * Start-up of `npx flashcrowd` (src/bin/flashcrowd.cjs, from its cached bundle) against a bare
 * `node -e 0`: medians of interleaved runs after one warm-up (which builds the bundle when the
 * sources changed), so a busy machine slows both alike.
 */
function benchCliStartup(): { table: string; failed: boolean } {
  const bin = join(ROOT, "src", "bin", "flashcrowd.cjs");
  const cases = [
    { name: "node -e 0", args: ["-e", "0"], runs: Math.max(RUNS, 11) },
    { name: "flashcrowd --help", args: [bin, "--help"], runs: Math.max(RUNS, 11), maxRatio: CLI_HELP_MAX_RATIO },
    { name: "flashcrowd stacks", args: [bin, "stacks"], runs: RUNS },
  ];
  for (const c of cases) wallMs(c.args);
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < Math.max(...cases.map((c) => c.runs)); i++) {
    cases.forEach((c, k) => i < c.runs && times[k]!.push(wallMs(c.args)));
  }
  const medians = times.map(median);
  const bare = medians[0]!;
  let failed = false;
  const rows = cases.map((c, k) => {
    const ratio = medians[k]! / bare;
    const ok = c.maxRatio === undefined || ratio <= c.maxRatio;
    failed ||= !ok;
    process.stderr.write(`${c.name}: ${medians[k]!.toFixed(0)} ms (${ratio.toFixed(1)}x node -e 0)\n`);
    return [c.name, String(c.runs), medians[k]!.toFixed(0), ratio.toFixed(2), c.maxRatio ? `<= ${c.maxRatio}x node -e 0` : "-", c.maxRatio ? (ok ? "ok" : "MISSED") : "-"];
  });
  return { table: markdownTable(["CLI start-up", "runs", "wall ms (median)", "x node -e 0", "target", "result"], rows), failed };
}

if (process.argv.includes("--reconcile")) {
  void benchReconcile().then((code) => {
    process.exitCode = code;
  });
} else {
  process.exitCode = main();
}
