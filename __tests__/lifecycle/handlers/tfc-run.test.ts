import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { secretReader } from "../../../src/lifecycle/handlers/runtime";
import { createTfcRunHandler } from "../../../src/lifecycle/handlers/tfc-run";
import { runMarker } from "../../../src/tfc/runs";
import { FakeTfc, TOKEN } from "../../helpers/fake-tfc";

const smMock = mockClient(SecretsManagerClient);
const WS = "flashcrowd-event-dec-flash-sale";
const SECRET = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:flashcrowd/control/tfc-token-AbCdEf";
let tfc: FakeTfc;

function handler() {
  return createTfcRunHandler({
    env: { TFC_ADDRESS: tfc.address, TFC_ORG: "acme", TFC_TOKEN_SECRET_ARN: SECRET },
    readSecret: secretReader(new SecretsManagerClient({})),
  });
}

beforeEach(async () => {
  smMock.reset();
  smMock.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: `${TOKEN}\n` });
  tfc = await new FakeTfc().start();
  tfc.addWorkspace("acme", WS);
});
afterEach(async () => tfc.stop());

describe("Terraform Cloud run step", () => {
  it("starts an auto-applied destroy run with the lifecycle marker, using the token from Secrets Manager", async () => {
    const result = await handler()({ action: "start", workspace: WS, destroy: true, message: "Teardown of December flash sale" });
    expect(result).toMatchObject({ outcome: "pending", created: true, url: `${tfc.address}/app/acme/workspaces/${WS}/runs/${result.runId}` });
    expect(tfc.runs.get(result.runId)).toMatchObject({ isDestroy: true, autoApply: true, message: `Teardown of December flash sale ${runMarker(WS, "destroy")}` });
    expect(tfc.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("follows the run a repeated trigger finds under way", async () => {
    const existing = tfc.addRun(tfc.workspaces[0]!.id, { message: `by hand ${runMarker(WS, "apply")}`, status: "planning" });
    const result = await handler()({ action: "start", workspace: WS, destroy: false });
    expect(result).toMatchObject({ runId: existing.id, created: false });
    expect(tfc.runs.size).toBe(1);
  });

  it("reports the run's outcome", async () => {
    tfc.script = () => ["errored"];
    const h = handler();
    const { runId } = await h({ action: "start", workspace: WS });
    expect(await h({ action: "status", workspace: WS, runId })).toMatchObject({ status: "errored", outcome: "failed" });
  });

  it("confirms a run that a workspace policy paused for confirmation", async () => {
    const run = tfc.addRun(tfc.workspaces[0]!.id, { message: "x", autoApply: false, status: "planned", script: [] });
    expect(await handler()({ action: "status", workspace: WS, runId: run.id })).toMatchObject({ outcome: "pending" });
    expect(tfc.applied).toEqual([run.id]);
  });

  it("turns an API error worth retrying into TransientError for the state machine's Retry", async () => {
    const h = createTfcRunHandler({
      env: { TFC_ADDRESS: tfc.address, TFC_ORG: "acme", TFC_TOKEN_SECRET_ARN: SECRET },
      readSecret: async () => TOKEN,
      sleep: async () => undefined,
      fetch: async () => new Response(JSON.stringify({ errors: [{ detail: "try later" }] }), { status: 503 }),
    });
    // The transport retries 503 itself first; with every answer a 503 it gives up and the step says so.
    await expect(h({ action: "status", workspace: WS, runId: "run-1" })).rejects.toMatchObject({ name: "TransientError" });
  });

  it("fails plainly, without retry, when the workspace does not exist", async () => {
    await expect(handler()({ action: "start", workspace: "flashcrowd-event-nope" })).rejects.toMatchObject({ name: "TfcApiError", status: 404 });
  });
});
