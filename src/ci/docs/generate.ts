/**
 * `npm run docs`: rewrites the generated parts of the documentation from the code (module
 * reference, configuration reference, policy rules, run-role tables, rehearsal scenarios).
 * `npm run docs -- --check` changes nothing and exits 1 naming the documents that are stale.
 */
import { partStates, staleDocuments, writeDocuments } from "./documents";

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length) {
    process.stderr.write(`usage: npm run docs [-- --check]\nunknown argument: ${unknown.join(" ")}\n`);
    return 2;
  }
  const states = partStates();
  if (check) {
    const stale = staleDocuments(states);
    if (stale.length === 0) {
      process.stdout.write(`docs: ${states.length} generated parts are current\n`);
      return 0;
    }
    process.stderr.write(`docs: stale generated parts in ${stale.join(", ")}; run \`npm run docs\`\n`);
    return 1;
  }
  const written = writeDocuments(states);
  process.stdout.write(written.length ? `docs: rewrote ${written.join(", ")}\n` : `docs: ${states.length} generated parts are current\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
