import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidPayload } from "../../../src/lifecycle/contracts";
import { secretReader } from "../../../src/lifecycle/handlers/runtime";
import { createTfcRunHandler, type PostponeResult, type TfcRunResult } from "../../../src/lifecycle/handlers/tfc-run";
import { NoUploadedConfiguration, UPLOADED_CONFIGURATION_VARIABLE, runMarker } from "../../../src/tfc/runs";
import { FakeTfc, TOKEN, type FakeWorkspace } from "../../helpers/fake-tfc";

const smMock = mockClient(SecretsManagerClient);
const WS = "flashcrowd-event-dec-flash-sale";
const SECRET = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:flashcrowd/control/tfc-token-AbCdEf";
const START_DESTROY = { action: "start", workspace: WS, destroy: true, message: "Teardown of December flash sale" } as const;
const START_APPLY = { action: "start", workspace: WS, destroy: false, message: "Go-live of December flash sale" } as const;
let tfc: FakeTfc;
let ws: FakeWorkspace;

function handler() {
  return createTfcRunHandler({
    env: { TFC_ADDRESS: tfc.address, TFC_ORG: "acme", TFC_TOKEN_SECRET_ARN: SECRET },
    readSecret: secretReader(new SecretsManagerClient({})),
  });
}
const run = async (input: unknown) => (await handler()(input)) as TfcRunResult;
const postpone = async (notBefore: string) => (await handler()({ action: "postpone-auto-destroy", workspace: WS, notBefore })) as PostponeResult;

/** Records `configurationVersionId` as `flashcrowd tfc upload` does on merge. */
function record(configurationVersionId: string): void {
  ws.vars.push({ id: "var-recorded", key: UPLOADED_CONFIGURATION_VARIABLE, value: configurationVersionId, category: "env", sensitive: false });
}

beforeEach(async () => {
  smMock.reset();
  smMock.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: `${TOKEN}\n` });
  tfc = await new FakeTfc().start();
  ws = tfc.addWorkspace("acme", WS);
});
afterEach(async () => tfc.stop());

describe("Terraform Cloud run step: starting", () => {
  it("starts an auto-applied destroy run with the lifecycle marker, using the token from Secrets Manager", async () => {
    record(tfc.addConfigurationVersion(ws.id, { speculative: false }));
    const result = await run(START_DESTROY);
    expect(result).toMatchObject({ created: true, url: `${tfc.address}/app/acme/workspaces/${WS}/runs/${result.runId}` });
    expect(tfc.runs.get(result.runId)).toMatchObject({ isDestroy: true, autoApply: true, message: `${START_DESTROY.message} ${runMarker(WS, "destroy")}` });
    expect(tfc.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("pins the run to the recorded configuration version, not to a newer upload", async () => {
    // GIVEN the version recorded on merge, then a later non-speculative upload from a branch
    const recorded = tfc.addConfigurationVersion(ws.id, { speculative: false });
    record(recorded);
    tfc.addConfigurationVersion(ws.id, { speculative: false });
    // WHEN the lifecycle starts its apply
    const result = await run(START_APPLY);
    // THEN the run uses the recorded version
    expect(result.configurationVersionId).toBe(recorded);
    expect(tfc.runs.get(result.runId)?.configurationVersionId).toBe(recorded);
  });

  it.each([
    ["nothing is recorded", () => void tfc.addConfigurationVersion(ws.id, { speculative: false })],
    ["the recorded version is speculative", () => record(tfc.addConfigurationVersion(ws.id, { speculative: true }))],
    [
      "the recorded version was never uploaded",
      () => {
        tfc.configurationVersions.set("cv-pending", { status: "pending", workspaceId: ws.id, speculative: false });
        record("cv-pending");
      },
    ],
  ])("refuses to start, creating no run, when %s", async (_, arrange) => {
    arrange();
    await expect(run(START_APPLY)).rejects.toBeInstanceOf(NoUploadedConfiguration);
    expect(tfc.runs.size).toBe(0);
  });

  it("refuses a recorded version that belongs to another workspace", async () => {
    const other = tfc.addWorkspace("acme", "flashcrowd-event-other");
    record(tfc.addConfigurationVersion(other.id, { speculative: false }));
    await expect(run(START_APPLY)).rejects.toThrow(/another workspace/);
    expect(tfc.runs.size).toBe(0);
  });

  it("follows the run a repeated trigger finds under way", async () => {
    record(tfc.addConfigurationVersion(ws.id, { speculative: false }));
    const existing = tfc.addRun(ws.id, { message: `by hand ${runMarker(WS, "apply")}`, status: "planning" });
    const result = await run(START_APPLY);
    expect(result).toMatchObject({ runId: existing.id, created: false });
    expect(tfc.runs.size).toBe(1);
  });

  it("does not follow a plan-only run that carries the marker", async () => {
    record(tfc.addConfigurationVersion(ws.id, { speculative: false }));
    const planOnly = tfc.addRun(ws.id, { message: `preview ${runMarker(WS, "apply")}`, planOnly: true, status: "planning" });
    const result = await run(START_APPLY);
    expect(result.runId).not.toBe(planOnly.id);
    expect(result.created).toBe(true);
  });
});

describe("Terraform Cloud run step: outcome judged by intent", () => {
  const status = (runId: string, destroy: boolean) => run({ action: "status", workspace: WS, runId, destroy });

  it("reports an errored run as failed", async () => {
    const errored = tfc.addRun(ws.id, { message: "x", status: "errored" });
    expect(await status(errored.id, false)).toMatchObject({ status: "errored", outcome: "failed" });
  });

  it.each([
    ["an applied destroy", { isDestroy: true, status: "applied" }, true, "succeeded", undefined],
    ["an applied apply, for a destroy", { isDestroy: false, status: "applied" }, true, "failed", /not a destroy/],
    ["an applied destroy, for an apply", { isDestroy: true, status: "applied" }, false, "failed", /not an apply/],
    ["a plan-only run", { planOnly: true, status: "planned_and_finished" }, false, "failed", /plan-only/],
    ["a plan-only run still planning", { planOnly: true, status: "planning" }, false, "failed", /plan-only/],
    ["a saved plan", { savePlan: true, status: "planned_and_saved" }, false, "failed", /saved plan/],
    ["a plan that finished with changes unapplied", { status: "planned_and_finished", hasChanges: true }, false, "failed", /without applying/],
    ["an apply with nothing to change", { status: "planned_and_finished", hasChanges: false }, false, "succeeded", undefined],
  ] as const)("judges %s", async (_, shape, destroy, outcome, reason) => {
    const existing = tfc.addRun(ws.id, { message: "x", script: [], ...shape });
    const result = await status(existing.id, destroy);
    expect(result.outcome).toBe(outcome);
    if (reason) expect(result.reason).toMatch(reason);
    else expect(result.reason).toBeUndefined();
  });

  it("confirms a run that a workspace policy paused for confirmation", async () => {
    const paused = tfc.addRun(ws.id, { message: "x", autoApply: false, status: "planned", script: [] });
    expect(await status(paused.id, false)).toMatchObject({ outcome: "pending" });
    expect(tfc.applied).toEqual([paused.id]);
  });
});

describe("Terraform Cloud run step: waiting runs", () => {
  it("reports a run queued behind another run, with what to do", async () => {
    record(tfc.addConfigurationVersion(ws.id, { speculative: false }));
    const holder = tfc.addRun(ws.id, { message: "someone's apply", status: "applying" });
    const result = await run(START_DESTROY);
    expect(result.waiting?.reason).toBe("queued");
    expect(result.waiting?.advice).toContain(holder.id);
  });

  it("reports a run held by a workspace lock, naming who holds it", async () => {
    record(tfc.addConfigurationVersion(ws.id, { speculative: false }));
    tfc.lock(ws.id, "user-alice");
    const result = await run(START_DESTROY);
    expect(result.waiting?.reason).toBe("locked");
    expect(result.waiting?.advice).toMatch(/user-alice.*unlock|unlock.*user-alice/);
  });

  it("reports a run stopped at a soft-failed policy check, with its link", async () => {
    const held = tfc.addRun(ws.id, { message: "x", status: "policy_override", script: [] });
    const result = await run({ action: "status", workspace: WS, runId: held.id, destroy: true });
    expect(result).toMatchObject({ outcome: "pending", waiting: { reason: "policy-override" } });
    expect(result.waiting?.advice).toContain(result.url);
  });

  it("reports nothing for a run that is simply working", async () => {
    const working = tfc.addRun(ws.id, { message: "x", status: "planning", script: [] });
    const result = await run({ action: "status", workspace: WS, runId: working.id, destroy: false });
    expect(result.waiting).toBeUndefined();
  });
});

describe("Terraform Cloud run step: auto-destroy", () => {
  const NOT_BEFORE = "2026-12-08T00:00:00.000Z";

  it("moves an earlier auto-destroy to the requested time", async () => {
    ws.autoDestroyAt = "2026-12-06T00:00:00.000Z";
    expect(await postpone(NOT_BEFORE)).toEqual({ autoDestroyAt: NOT_BEFORE, moved: true });
    expect(ws.autoDestroyAt).toBe(NOT_BEFORE);
  });

  it("never moves a later auto-destroy earlier", async () => {
    ws.autoDestroyAt = "2026-12-10T00:00:00.000Z";
    expect(await postpone(NOT_BEFORE)).toEqual({ autoDestroyAt: "2026-12-10T00:00:00.000Z", moved: false });
    expect(ws.autoDestroyAt).toBe("2026-12-10T00:00:00.000Z");
  });

  it("sets none on a workspace that has none", async () => {
    expect(await postpone(NOT_BEFORE)).toEqual({ autoDestroyAt: null, moved: false });
    expect(tfc.requestsTo("PATCH", /workspaces/)).toHaveLength(0);
  });
});

describe("Terraform Cloud run step: failures", () => {
  it.each([
    ["a start without its intent", { action: "start", workspace: WS, message: "x" }, /destroy/],
    ["a status without a run id", { action: "status", workspace: WS, runId: "42", destroy: false }, /runId/],
    ["an unknown action", { action: "plan", workspace: WS }, /action/],
    ["a postpone to a time that is not a time", { action: "postpone-auto-destroy", workspace: WS, notBefore: "next week" }, /notBefore/],
    ["an unknown field", { ...START_APPLY, autoApply: false }, /autoApply/],
  ])("refuses %s before calling Terraform Cloud", async (_, payload, field) => {
    const refusal = handler()(payload);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPayload);
    await expect(refusal).rejects.toThrow(field);
    expect(tfc.requests).toHaveLength(0);
  });

  it("turns an API error worth retrying into TransientError for the state machine's Retry", async () => {
    const h = createTfcRunHandler({
      env: { TFC_ADDRESS: tfc.address, TFC_ORG: "acme", TFC_TOKEN_SECRET_ARN: SECRET },
      readSecret: async () => TOKEN,
      sleep: async () => undefined,
      fetch: async () => new Response(JSON.stringify({ errors: [{ detail: "try later" }] }), { status: 503 }),
    });
    // The transport retries 503 itself first; with every answer a 503 it gives up and the step says so.
    await expect(h({ action: "status", workspace: WS, runId: "run-1", destroy: false })).rejects.toMatchObject({ name: "TransientError" });
  });

  it("fails plainly, without retry, when the workspace does not exist", async () => {
    await expect(handler()({ ...START_APPLY, workspace: "flashcrowd-event-nope" })).rejects.toMatchObject({ name: "TfcApiError", status: 404 });
  });
});
