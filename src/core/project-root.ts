import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "flashcrowd-infra";

/**
 * The repository root: the nearest folder upwards holding this package's package.json. Files the
 * app reads at synth time (Lambda sources, the local chart) are found from here, so they resolve
 * the same whether the app runs from its sources (tsx) or from a bundled build in
 * node_modules/.cache (src/bin/app.cjs, src/bin/flashcrowd.cjs).
 */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

/**
 * The repository root, computed once: the one src/bin/app.cjs or src/bin/flashcrowd.cjs names when
 * it runs a bundle (whose own location, under a possibly linked node_modules, may belong to another
 * checkout; the CLI's, an ES module, has no __dirname), else found from this file.
 */
export const PROJECT_ROOT = process.env.FLASHCROWD_PROJECT_ROOT ?? projectRoot();
