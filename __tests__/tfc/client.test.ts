import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { t as listTar } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TfcClient } from "../../src/tfc/client";
import { TfcApiError, TfcConnectionError, TfcTimeoutError } from "../../src/tfc/errors";
import {
  NoUploadedConfiguration,
  UPLOADED_CONFIGURATION_VARIABLE,
  classifyRun,
  recordUploadedConfiguration,
  runMarker,
  runWaiting,
  startRun,
  uploadedConfiguration,
  waitForRun,
} from "../../src/tfc/runs";
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

/** A workspace with one uploaded, non-speculative configuration version, as after a deploy. */
function workspaceWithConfiguration() {
  const ws = tfc.addWorkspace(ORG, WS);
  tfc.addConfigurationVersion(ws.id, { speculative: false });
  return ws;
}

describe("runs", () => {
  it("refuses a run on a workspace that has no configuration to run", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    await expect(client().createRun(ws.id, { isDestroy: false, autoApply: true, message: "up" })).rejects.toMatchObject({ name: "TfcApiError", status: 422 });
    expect(tfc.runs.size).toBe(0);
  });

  it("runs the configuration version it is pinned to", async () => {
    const ws = workspaceWithConfiguration();
    const pinned = tfc.addConfigurationVersion(ws.id, { speculative: false });
    tfc.addConfigurationVersion(ws.id, { speculative: false });
    const run = await client().createRun(ws.id, { isDestroy: false, autoApply: true, message: "up", configurationVersionId: pinned });
    expect(run.configurationVersionId).toBe(pinned);
  });

  it("creates a run with is-destroy, auto-apply and the message", async () => {
    const ws = workspaceWithConfiguration();
    const run = await client().createRun(ws.id, { isDestroy: true, autoApply: true, message: "tear down" });
    expect(run.isDestroy).toBe(true);
    expect(tfc.requestsTo("POST", /\/runs$/)[0]?.body).toMatchObject({
      data: { type: "runs", attributes: { "is-destroy": true, "auto-apply": true, message: "tear down" }, relationships: { workspace: { data: { id: ws.id } } } },
    });
  });

  it("follows a non-final run with the same marker instead of creating a second one", async () => {
    const ws = workspaceWithConfiguration();
    const marker = runMarker(WS, "apply");
    const existing = tfc.addRun(ws.id, { message: `scheduled spin-up ${marker}`, status: "planning" });
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: false, autoApply: true, message: "manual", marker });
    expect(started).toMatchObject({ created: false, run: { id: existing.id } });
    expect(tfc.requestsTo("POST", /\/runs$/)).toHaveLength(0);
  });

  it("creates a new run when the run with the marker has finished", async () => {
    const ws = workspaceWithConfiguration();
    const marker = runMarker(WS, "apply");
    tfc.addRun(ws.id, { message: `old ${marker}`, status: "applied", script: [] });
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: false, message: "again", marker });
    expect(started.created).toBe(true);
    expect(started.run.message).toBe(`again ${marker}`);
  });

  it("creates exactly one run when the answer to the create request is lost", async () => {
    const ws = workspaceWithConfiguration();
    tfc.fail("POST", /\/runs$/, { drop: "after" });
    const marker = runMarker(WS, "destroy");
    const started = await startRun(client(), { workspaceId: ws.id, isDestroy: true, autoApply: true, message: "teardown", marker });
    expect(started.created).toBe(false);
    expect(tfc.runs.size).toBe(1);
    expect(started.run.id).toBe([...tfc.runs.keys()][0]);
  });

  it("follows a run to applied and reports each status once", async () => {
    const ws = workspaceWithConfiguration();
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, autoApply: true, message: "up" });
    const seen: string[] = [];
    const final = await waitForRun(c, run.id, { timeoutMs: 60_000, pollIntervalMs: 1_000, sleep: async (ms) => void (now += ms), clock: () => now, onStatus: (r) => seen.push(r.status) });
    expect(final.status).toBe("applied");
    // The run took the free workspace at once (plan_queued); each read moves it one status on.
    expect(run.status).toBe("plan_queued");
    expect(seen).toEqual(["planning", "planned", "apply_queued", "applying", "applied"]);
  });

  it("ends with the errored run when the run errors", async () => {
    const ws = workspaceWithConfiguration();
    tfc.script = () => ["planning", "errored"];
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, message: "up" });
    const final = await waitForRun(c, run.id, { timeoutMs: 60_000, sleep: async (ms) => void (now += ms), clock: () => now });
    expect(classifyRun(final)).toBe("failed");
  });

  it("times out on a run that never finishes", async () => {
    const ws = workspaceWithConfiguration();
    tfc.script = () => ["planning"];
    const c = client();
    const run = await c.createRun(ws.id, { isDestroy: false, message: "up" });
    const error = await waitForRun(c, run.id, { timeoutMs: 10_000, pollIntervalMs: 1_000, sleep: async (ms) => void (now += ms), clock: () => now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TfcTimeoutError);
    expect((error as TfcTimeoutError).lastStatus).toBe("planning");
  });

  it("confirms a run that waits for confirmation when asked to, once", async () => {
    const ws = workspaceWithConfiguration();
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

describe("run outcome judged by intent", () => {
  type Shape = Parameters<typeof classifyRun>[0];
  const run = (over: Partial<Shape>): Shape => ({ status: "applied", confirmable: false, isDestroy: false, planOnly: false, hasChanges: true, ...over });

  it.each<[string, Partial<Shape>, "apply" | "destroy", string]>([
    ["an applied apply", {}, "apply", "succeeded"],
    ["an applied destroy", { isDestroy: true }, "destroy", "succeeded"],
    ["an applied apply, for a destroy", {}, "destroy", "failed"],
    ["an applied destroy, for an apply", { isDestroy: true }, "apply", "failed"],
    ["an apply with nothing to change", { status: "planned_and_finished", hasChanges: false }, "apply", "succeeded"],
    ["a destroy with nothing left to destroy", { status: "planned_and_finished", hasChanges: false, isDestroy: true }, "destroy", "succeeded"],
    ["a plan that finished with changes unapplied", { status: "planned_and_finished", hasChanges: true }, "apply", "failed"],
    ["a finished plan-only run, even without changes", { status: "planned_and_finished", planOnly: true, hasChanges: false }, "apply", "failed"],
    ["a plan-only run still planning", { status: "planning", planOnly: true }, "destroy", "failed"],
    ["a saved plan", { status: "planned_and_saved" }, "apply", "failed"],
    ["an errored run", { status: "errored" }, "destroy", "failed"],
    ["a run waiting for confirmation", { status: "planned", confirmable: true }, "apply", "needs-confirmation"],
    ["a run applying", { status: "applying" }, "destroy", "pending"],
  ])("judges %s, for an %s intent, as %s", (_, over, intent, outcome) => {
    expect(classifyRun(run(over), intent)).toBe(outcome);
  });

  it("without an intent, still calls a finished plan a success (a plain CLI plan)", () => {
    expect(classifyRun(run({ status: "planned_and_finished", planOnly: true }))).toBe("succeeded");
  });
});

describe("waiting runs", () => {
  const URL = "https://app.terraform.io/app/acme/workspaces/ws/runs/run-2";
  const idle = { locked: false, lockedBy: undefined, currentRunId: undefined };

  it.each<[string, Parameters<typeof runWaiting>[0], Parameters<typeof runWaiting>[1], string | undefined, RegExp | undefined]>([
    ["queued behind the current run", { id: "run-2", status: "pending", positionInQueue: 1 }, { ...idle, currentRunId: "run-1" }, "queued", /behind run-1/],
    ["held by a lock", { id: "run-2", status: "pending" }, { ...idle, locked: true, lockedBy: "user-alice" }, "locked", /locked by user-alice.*unlock/],
    ["at a soft-failed policy check", { id: "run-2", status: "policy_override" }, idle, "policy-override", /override or discard run-2/],
    ["waiting for a run task decision", { id: "run-2", status: "post_plan_awaiting_decision" }, idle, "awaiting-decision", /decision/],
    ["planning", { id: "run-2", status: "planning" }, { ...idle, currentRunId: "run-2" }, undefined, undefined],
    ["pending but next, on a free workspace", { id: "run-2", status: "pending", positionInQueue: 0 }, idle, undefined, undefined],
    ["pending under its own lock", { id: "run-2", status: "pending" }, { ...idle, locked: true, lockedBy: "run-2" }, undefined, undefined],
  ])("reports a run %s", (_, r, ws, reason, advice) => {
    const waiting = runWaiting(r, ws, URL);
    expect(waiting?.reason).toBe(reason);
    if (advice) expect(waiting?.advice).toMatch(advice);
  });
});

describe("recorded configuration version", () => {
  it("records the uploaded version in the workspace's environment and reads it back", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    const cv = tfc.addConfigurationVersion(ws.id, { speculative: false });
    await recordUploadedConfiguration(client(), ws.id, cv);
    expect(ws.vars).toEqual([expect.objectContaining({ key: UPLOADED_CONFIGURATION_VARIABLE, value: cv, category: "env", sensitive: false })]);
    expect(await uploadedConfiguration(client(), ws.id, WS)).toBe(cv);
  });

  it("replaces the recorded version on the next upload instead of adding a second variable", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    await recordUploadedConfiguration(client(), ws.id, tfc.addConfigurationVersion(ws.id, { speculative: false }));
    const newer = tfc.addConfigurationVersion(ws.id, { speculative: false });
    await recordUploadedConfiguration(client(), ws.id, newer);
    expect(ws.vars.map((v) => v.value)).toEqual([newer]);
  });

  it.each<[string, (wsId: string) => string | undefined, RegExp]>([
    ["none is recorded", () => undefined, /no recorded configuration version/],
    ["the recorded one is speculative", (wsId) => tfc.addConfigurationVersion(wsId, { speculative: true }), /speculative/],
    ["the recorded one belongs to another workspace", () => tfc.addConfigurationVersion(tfc.addWorkspace(ORG, "other").id, { speculative: false }), /another workspace/],
  ])("refuses when %s, saying how to upload one", async (_, recorded, why) => {
    const ws = tfc.addWorkspace(ORG, WS);
    const cv = recorded(ws.id);
    if (cv) ws.vars.push({ id: "var-1", key: UPLOADED_CONFIGURATION_VARIABLE, value: cv, category: "env", sensitive: false });
    const error = await uploadedConfiguration(client(), ws.id, WS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoUploadedConfiguration);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toMatch(/tfc upload event-dec-flash-sale/);
  });
});

describe("auto-destroy time", () => {
  it("sets and clears a workspace's auto-destroy time", async () => {
    const ws = tfc.addWorkspace(ORG, WS);
    await client().setAutoDestroyAt(ws.id, "2026-12-08T00:00:00.000Z");
    expect((await client().workspace(ORG, WS)).autoDestroyAt).toBe("2026-12-08T00:00:00.000Z");
    await client().setAutoDestroyAt(ws.id, null);
    expect((await client().workspace(ORG, WS)).autoDestroyAt).toBeUndefined();
  });
});
