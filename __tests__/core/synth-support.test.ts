import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { buildApp } from "../../src/app/app";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { loadConfig } from "../../src/config";
import { validateStacks, withCheapStackTraces } from "../../src/core/cdktf-workarounds";
import { calendarOf, configWith } from "../helpers/config";
import { fixtureClock } from "../helpers/fixture-config";

describe("validateStacks", () => {
  it("reports a resource whose provider is missing", () => {
    const app = new App({ skipValidation: true });
    const stack = new TerraformStack(app, "orphan");
    new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
    expect(() => validateStacks(app)).toThrow(/\[orphan\] Found resources without a matching provider construct.*aws/);
  });
});

describe("validateStacks and Terraform version checks", () => {
  it("runs a module's own validations but not the local Terraform version probes", () => {
    const app = new App({ skipValidation: true });
    const stack = new TerraformStack(app, "probe");
    new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
    const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
    vpc.importFrom("vpc-0123456789abcdef0"); // import blocks register a `terraform version` probe
    expect(() => validateStacks(app)).not.toThrow();
    vpc.node.addValidation({ validate: () => ["module rule broken"] });
    expect(() => validateStacks(app)).toThrow(/\[probe\/vpc\] module rule broken/);
  });
});

describe("withCheapStackTraces", () => {
  it("restores the stack formatter and source maps afterwards", () => {
    const before = Error.prepareStackTrace;
    const capture = Error.captureStackTrace;
    const sourceMaps = process.sourceMapsEnabled;
    withCheapStackTraces(() => {
      const probe = { stack: "" };
      Error.captureStackTrace(probe);
      expect(probe.stack).toBe("");
    });
    expect(Error.prepareStackTrace).toBe(before);
    expect(Error.captureStackTrace).toBe(capture);
    expect(process.sourceMapsEnabled).toBe(sourceMaps);
  });

  it("lets an escaping error keep its full stack", () => {
    let caught: Error | undefined;
    try {
      withCheapStackTraces(() => {
        throw new Error("boom");
      });
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.stack).toMatch(/^Error: boom\n\s+at /);
  });
});

describe("npm run synth", () => {
  it("synthesizes every stack of the live configuration with no Terraform CLI on PATH and no credentials", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-main-"));
    const env = { PATH: dirname(process.execPath), HOME: process.env.HOME, CDKTF_OUTDIR: outdir };
    // Exactly what `npm run synth` runs: the bundled app (built into node_modules/.cache on first use).
    const result = spawnSync(process.execPath, ["src/bin/app.cjs"], { cwd: join(__dirname, "..", ".."), env, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^policy: \d+ stack\(s\), 0 errors/m);
    // The program synthesizes the repository's own configuration, whatever its calendar holds today.
    for (const stack of stackCatalog(loadConfig({})).ids()) {
      expect(existsSync(join(outdir, "stacks", stack, "cdk.tf.json")), stack).toBe(true);
    }
  });
});

describe("src/bin/app.cjs", () => {
  it("writes the same Terraform from the cached bundle as from the sources", () => {
    const run = (extra: Record<string, string>) => {
      const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-launch-"));
      const result = spawnSync(process.execPath, ["src/bin/app.cjs"], {
        cwd: join(__dirname, "..", ".."),
        env: { ...process.env, CDKTF_OUTDIR: outdir, ...extra },
        encoding: "utf8",
      });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(join(outdir, "stacks", "prod", "cdk.tf.json"), "utf8");
    };
    expect(run({})).toBe(run({ FLASHCROWD_NO_BUNDLE: "1" }));
  }, 60_000);
});

describe("buildApp().synth()", () => {
  it("removes stacks that are no longer configured from the output", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-stale-"));
    buildApp(configWith(), { clock: fixtureClock, outdir }).synth();
    expect(existsSync(join(outdir, "stacks", "event-xmas-mega-sale"))).toBe(true);
    buildApp(configWith((c) => calendarOf(c).splice(0, 1)), { clock: fixtureClock, outdir }).synth();
    expect(existsSync(join(outdir, "stacks", "event-xmas-mega-sale"))).toBe(false);
    expect(existsSync(join(outdir, "stacks", "event-stadium-show-tickets", "cdk.tf.json"))).toBe(true);
  });
});
