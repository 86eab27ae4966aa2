import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HANDLERS, lambdaBundles } from "../../src/lifecycle/bundle";

describe("Lambda bundles", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("zips each handler as a single index.js", () => {
    const bundles = lambdaBundles();
    expect(Object.keys(bundles).sort()).toEqual(Object.keys(HANDLERS).sort());
    for (const b of Object.values(bundles)) {
      expect(Object.keys(unzipSync(readFileSync(b.zipPath)))).toEqual(["index.js"]);
    }
  });

  it("builds the same bytes from the same sources (a cold build into a fresh cache matches)", () => {
    const warm = lambdaBundles();
    const cold = lambdaBundles({ cacheDir: mkdtempSync(join(tmpdir(), "flashcrowd-lambda-")) });
    expect(Object.values(cold).map((b) => b.sha256Base64)).toEqual(Object.values(warm).map((b) => b.sha256Base64));
    expect(cold.tfcRun.zipPath).not.toBe(warm.tfcRun.zipPath);
  }, 60_000);

  it("runs, and keeps the error names Step Functions matches on (bundled smoke check failing on 503)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-smoke-"));
    writeFileSync(join(dir, "index.js"), unzipSync(readFileSync(lambdaBundles().smokeCheck.zipPath))["index.js"]!);
    vi.stubGlobal("fetch", async () => new Response("down", { status: 503 }));
    const { handler } = createRequire(join(dir, "index.js"))(join(dir, "index.js")) as { handler: (r: { url: string }) => Promise<unknown> };
    await expect(handler({ url: "https://sale.example/healthz" })).rejects.toMatchObject({ name: "SmokeCheckFailed" });
  });

  it("bundles the post-apply step with its MySQL driver and the settings it shares with the event stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-post-apply-"));
    writeFileSync(join(dir, "index.js"), unzipSync(readFileSync(lambdaBundles().postApply.zipPath))["index.js"]!);
    const { handler } = createRequire(join(dir, "index.js"))(join(dir, "index.js")) as { handler: (input: object) => Promise<unknown> };
    // The payload contract (bundled from src/lifecycle/contracts.ts) refuses an empty payload first.
    await expect(handler({})).rejects.toMatchObject({ name: "InvalidPayload", message: expect.stringContaining("runId") });
    // No environment: the settings schema (bundled from src/lifecycle/post-apply-config.ts) rejects it before any AWS call.
    const request = { action: "post-apply", event: "dec-flash-sale", workspace: "flashcrowd-event-dec-flash-sale", runId: "run-abc123" };
    await expect(handler(request)).rejects.toMatchObject({ name: "ZodError", message: expect.stringContaining("clusterIdentifier") });
  });
});
