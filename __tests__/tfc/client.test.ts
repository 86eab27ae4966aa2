import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { t as listTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TfcClient } from "../../src/tfc/client";
import { TfcApiError, TfcConnectionError, TfcTimeoutError } from "../../src/tfc/errors";
import { classifyRun, runMarker, startRun, waitForRun } from "../../src/tfc/runs";
import { packDirectory } from "../../src/tfc/tarball";
import { FakeTfc, TOKEN } from "../helpers/fake-tfc";

const ORG = "acme";
const WS = "flashcrowd-event-dec-flash-sale";

let tfc: FakeTfc;
let delays: number[];
let now: number;

function client(overrides: Partial<ConstructorParameters<typeof TfcClient>[0]> = {}): TfcClient {
  return new TfcClient({
    address: tfc.address,
    token: TOKEN,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
    clock: () => now,
    now: () => now,
    random: () => 0.5,
    retry: { baseDelayMs: 100, maxDelayMs: 1_000 },
    pollIntervalMs: 1_000,
    ...overrides,
  });
}

beforeEach(async () => {
  tfc = await new FakeTfc().start();
  delays = [];
  now = 1_700_000_000_000;
});
afterEach(async () => tfc.stop());

describe("workspace lookup", () => {
  it("finds a workspace by organization and name with the bearer token", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const found = await client().workspace(ORG, WS);
    expect(found).toMatchObject({ id: ws.id, name: WS, organization: ORG, resourceCount: 42 });
    expect(tfc.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("fails on 404 with the API's detail and does not retry", async () => {
    const error = await client().workspace(ORG, "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfcApiError);
    expect((error as TfcApiError).status).toBe(404);
    expect((error as TfcApiError).message).toContain("workspace not found, or you are not authorized to access it");
    expect(tfc.requests).toHaveLength(1);
  });

  it("refuses a plain-http address that is not loopback", () => {
    expect(() => new TfcClient({ address: "http://tfc.example.com", token: TOKEN })).toThrow(/https/);
  });
});

describe("retries", () => {
  it("waits as long as X-RateLimit-Reset says after a 429, then succeeds", async () => {
    tfc.addWorkspace(ORG, WS);
    tfc.fail("GET", /workspaces/, { status: 429, headers: { "X-RateLimit-Reset": "2.5" } });
    await client().workspace(ORG, WS);
    expect(tfc.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(2_500);
    expect(delays[0]).toBeLessThan(2_600);
  });

  it("honours Retry-After on a 429", async () => {
    tfc.addWorkspace(ORG, WS);
    tfc.fail("GET", /workspaces/, { status: 429, headers: { "Retry-After": "7" } });
    await client().workspace(ORG, WS);
    expect(delays[0]).toBeGreaterThanOrEqual(7_000);
  });

  it("retries a 500 with backoff and succeeds", async () => {
    tfc.addWorkspace(ORG, WS);
    tfc.fail("GET", /workspaces/, { status: 500 });
    await client().workspace(ORG, WS);
    expect(tfc.requests).toHaveLength(2);
    expect(delays).toEqual([75]); // half of the 100 ms step fixed + half of it times random 0.5
  });

  it("backs off exponentially, with a cap, and gives up after the last attempt with the detail", async () => {
    tfc.addWorkspace(ORG, WS);
    for (let i = 0; i < 5; i++) tfc.fail("GET", /workspaces/, { status: 503, detail: "maintenance" });
    const error = await client().workspace(ORG, WS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfcApiError);
    expect((error as TfcApiError).retryable).toBe(true);
    expect((error as Error).message).toContain("maintenance");
    expect(delays).toEqual([75, 150, 300, 600]);
  });

  it("retries a dropped connection", async () => {
    tfc.addWorkspace(ORG, WS);
    tfc.fail("GET", /workspaces/, { drop: "before" });
    const ws = await client().workspace(ORG, WS);
    expect(ws.name).toBe(WS);
    expect(tfc.requests).toHaveLength(2);
  });

  it("does not retry other 4xx", async () => {
    tfc.addWorkspace(ORG, WS);
    tfc.fail("GET", /workspaces/, { status: 422, detail: "bad filter" });
    await expect(client().workspace(ORG, WS)).rejects.toThrow(/HTTP 422: bad filter/);
    expect(delays).toEqual([]);
  });

  it("does not resend a run creation after a dropped connection", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    tfc.fail("POST", /\/runs$/, { drop: "after" });
    await expect(client().createRun(ws.id, { isDestroy: false, message: "x" })).rejects.toBeInstanceOf(TfcConnectionError);
    expect(tfc.requestsTo("POST", /\/runs$/)).toHaveLength(1);
  });
});

describe("configuration upload", () => {
  it("creates a configuration version that queues no run, uploads the tarball without the token, and waits for uploaded", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    writeFileSync(join(dir, "cdk.tf.json"), "{}");
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "assets", "code.zip"), "zip");
    const tarball = await packDirectory(dir);

    const c = client();
    const cv = await c.createConfigurationVersion(ws.id);
    await c.uploadConfiguration(cv.uploadUrl!, tarball);
    const uploaded = await c.waitForConfigurationVersion(cv.id);

    expect(uploaded.status).toBe("uploaded");
    expect(tfc.requestsTo("POST", /configuration-versions/)[0]?.body).toEqual({
      data: { type: "configuration-versions", attributes: { "auto-queue-runs": false } },
    });
    const stored = tfc.configurationVersions.get(cv.id)!;
    expect(stored.uploadAuthorization).toBeUndefined();
    const entries: string[] = [];
    await new Promise<void>((resolve, reject) =>
      Readable.from(stored.bytes!)
        .pipe(listTar({ onReadEntry: (e) => entries.push(e.path) }))
        .on("finish", resolve)
        .on("error", reject),
    );
    expect(entries).toEqual(expect.arrayContaining(["cdk.tf.json", "assets/code.zip"]));
  });
});

describe("runs", () => {
  it("creates a run with is-destroy, auto-apply and the message", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const run = await client().createRun(ws.id, { isDestroy: true, autoApply: true, message: "tear down" });
    expect(run.isDestroy).toBe(true);
    expect(tfc.requestsTo("POST", /\/runs$/)[0]?.body).toMatchObject({
      data: { type: "runs", attributes: { "is-destroy": true, "auto-apply": true, message: "tear down" }, relationships: { workspace: { data: { id: ws.id } } } },
    });
  });

  it("follows a non-final run with the same marker instead of creating a second one", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const marker = runMarker(WS, "apply");
    const existing = tfc.addRun(ws.id, { message: `scheduled spin-up ${marker}`, status: "planning" });
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: false, autoApply: true, message: "manual", marker });
    expect(started).toMatchObject({ created: false, run: { id: existing.id } });
    expect(tfc.requestsTo("POST", /\/runs$/)).toHaveLength(0);
  });

  it("creates a new run when the run with the marker has finished", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const marker = runMarker(WS, "apply");
    tfc.addRun(ws.id, { message: `old ${marker}`, status: "applied", script: [] });
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: false, message: "again", marker });
    expect(started.created).toBe(true);
    expect(started.run.message).toBe(`again ${marker}`);
  });

  it("creates exactly one run when the answer to the create request is lost", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    tfc.fail("POST", /\/runs$/, { drop: "after" });
    const marker = runMarker(WS, "destroy");
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: true, autoApply: true, message: "teardown", marker });
    expect(started.created).toBe(false);
    expect(tfc.runs.size).toBe(1);
    expect(started.run.id).toBe([...tfc.runs.keys()][0]);
  });

  it("follows a run to applied and reports each status once", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, autoApply: true, message: "up" });
    const seen: string[] = [];
    const final = await waitForRun(c, run.id, { timeoutMs: 60_000, pollIntervalMs: 1_000, sleep: async (ms) => void (now += ms), clock: () => now, onStatus: (r) => seen.push(r.status) });
    expect(final.status).toBe("applied");
    expect(seen).toEqual(["plan_queued", "planning", "planned", "apply_queued", "applying", "applied"]);
  });

  it("ends with the errored run when the run errors", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    tfc.script = () => ["planning", "errored"];
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, message: "up" });
    const final = await waitForRun(c, run.id, { timeoutMs: 60_000, sleep: async (ms) => void (now += ms), clock: () => now });
    expect(classifyRun(final)).toBe("failed");
  });

  it("times out on a run that never finishes", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    tfc.script = () => ["planning"];
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, message: "up" });
    const error = await waitForRun(c, run.id, { timeoutMs: 10_000, pollIntervalMs: 1_000, sleep: async (ms) => void (now += ms), clock: () => now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfcTimeoutError);
    expect((error as TfcTimeoutError).lastStatus).toBe("planning");
  });

  it("confirms a run that waits for confirmation when asked to, once", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, autoApply: false, message: "up" });
    const final = await waitForRun(c, run.id, { timeoutMs: 60_000, confirm: true, sleep: async (ms) => void (now += ms), clock: () => now });
    expect(final.status).toBe("applied");
    expect(tfc.applied).toEqual([run.id]);
  });

  it("fetches a plan's JSON output through the redirect", async () => {
    const plan = await client().planJsonOutput("plan-7");
    expect(plan).toMatchObject({ format_version: "1.2", plan: "plan-7" });
  });

  it.each([
    ["applied", false, "succeeded"],
    ["planned_and_finished", false, "succeeded"],
    ["errored", false, "failed"],
    ["discarded", false, "failed"],
    ["force_canceled", false, "failed"],
    ["planned", true, "needs-confirmation"],
    ["applying", false, "pending"],
    ["policy_override", false, "pending"],
  ] as const)("classifies %s (confirmable %s) as %s", (status, confirmable, outcome) => {
    expect(classifyRun({ status, confirmable })).toBe(outcome);
  });
});
