import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findTerraform } from "../../src/ci/terraform-harness";
import { AwsStack } from "../../stacks/base/aws-stack";
import {
  appValidation,
  CDKTF_WORKAROUNDS_ENV,
  cdktfWorkaroundsEnabled,
  PreparedResolution,
  setCdktfWorkarounds,
  withCheapStackTraces,
} from "../../src/core/cdktf-workarounds";
import { configWith } from "../helpers/config";

afterEach(() => {
  setCdktfWorkarounds(undefined);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("the cdktf workarounds' switch", () => {
  it(`is on by default, off with ${CDKTF_WORKAROUNDS_ENV}=off, and refuses anything else`, () => {
    expect(CDKTF_WORKAROUNDS_ENV).toBe("FLASHCROWD_CDKTF_WORKAROUNDS");
    vi.stubEnv(CDKTF_WORKAROUNDS_ENV, undefined);
    expect(cdktfWorkaroundsEnabled()).toBe(true);
    vi.stubEnv(CDKTF_WORKAROUNDS_ENV, "on");
    expect(cdktfWorkaroundsEnabled()).toBe(true);
    vi.stubEnv(CDKTF_WORKAROUNDS_ENV, "off");
    expect(cdktfWorkaroundsEnabled()).toBe(false);
    vi.stubEnv(CDKTF_WORKAROUNDS_ENV, "0");
    expect(() => cdktfWorkaroundsEnabled()).toThrow(/FLASHCROWD_CDKTF_WORKAROUNDS is "0"; set it to "off"/);
  });

  it("is overridden by setCdktfWorkarounds until that is undone", () => {
    vi.stubEnv(CDKTF_WORKAROUNDS_ENV, "off");
    const previous = setCdktfWorkarounds(true);
    expect(cdktfWorkaroundsEnabled()).toBe(true);
    setCdktfWorkarounds(previous);
    expect(cdktfWorkaroundsEnabled()).toBe(false);
  });

  /** Which workarounds a small synthesis used. */
  function probe() {
    const prepare = vi.spyOn(PreparedResolution.prototype, "prepare");
    const config = configWith();
    const validation = appValidation();
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "flashcrowd-workarounds-")), skipValidation: true });
    new (class extends AwsStack {})(app, { config, stackId: "probe", environment: "probe", target: config.events.platform });
    const capture = Error.captureStackTrace;
    let cheapTraces = false;
    withCheapStackTraces(() => {
      cheapTraces = Error.captureStackTrace !== capture;
      app.synth();
    });
    return { preparedResolution: prepare.mock.calls.length > 0, cheapTraces, validationReplaced: validation.skipValidation };
  }

  it("turns prepared resolution, cheap stack traces and the validation replacement on together", () => {
    expect(probe()).toEqual({ preparedResolution: true, cheapTraces: true, validationReplaced: true });
  });

  it("turns them off together", () => {
    setCdktfWorkarounds(false);
    expect(probe()).toEqual({ preparedResolution: false, cheapTraces: false, validationReplaced: false });
  });
});

/** Every file under `dir`, by relative path. */
function files(dir: string, root = dir): Map<string, string> {
  return new Map(
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      return e.isDirectory() ? [...files(path, root)] : [[relative(root, path), readFileSync(path, "latin1")] as const];
    }),
  );
}

// With the workarounds off, cdktf's own validation asks the Terraform CLI for its version.
const terraform = findTerraform();

describe(`npm run synth with ${CDKTF_WORKAROUNDS_ENV}=off`, () => {
  it.skipIf(!terraform && !process.env.CI && !process.env.REQUIRE_TERRAFORM)("writes byte for byte what it writes with the workarounds on", () => {
    const synth = (value: string) => {
      const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-workarounds-"));
      const result = spawnSync(process.execPath, ["src/bin/app.cjs"], {
        cwd: join(__dirname, "..", ".."),
        env: { ...process.env, CDKTF_OUTDIR: outdir, [CDKTF_WORKAROUNDS_ENV]: value },
        encoding: "utf8",
      });
      expect(result.status, result.stderr).toBe(0);
      return files(outdir);
    };
    const on = synth("on");
    const off = synth("off");
    expect([...off.keys()].sort()).toEqual([...on.keys()].sort());
    expect(on.size).toBeGreaterThan(9);
    for (const [path, content] of on) expect(off.get(path) === content, path).toBe(true);
  }, 120_000);
});
