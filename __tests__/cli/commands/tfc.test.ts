import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main, runCommand } from "../../../src/cli/index";
import { createTfcCommand, type TfcCommandDeps } from "../../../src/cli/commands/tfc";
import { UPLOADED_CONFIGURATION_VARIABLE } from "../../../src/tfc/runs";
import { FakeTfc, TOKEN, type FakeWorkspace } from "../../helpers/fake-tfc";
import { captureIo } from "../../helpers/cli-io";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../../helpers/fixture-calendar")>("../../helpers/fixture-calendar")).fixtureCalendar(),
}));

const ORG = "acme";
const STACK = "event-dec-flash-sale";
const WS = `flashcrowd-${STACK}`;

let tfc: FakeTfc;
let ws: FakeWorkspace;
let now: number;


const fastDeps = (): TfcCommandDeps => ({
  stackIds: () => ["prod", "dev", STACK, "control"],
  sleep: async (ms) => void (now += ms),
  clock: () => now,
  pollIntervalMs: 1_000,
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { TFC_TOKEN: TOKEN, TFC_ADDRESS: tfc.address, TFC_ORG: ORG, ...extra };
}

async function tfcCli(args: string[], e: NodeJS.ProcessEnv = env(), deps: TfcCommandDeps = fastDeps()) {
  const c = captureIo(e);
  const code = await runCommand("tfc", createTfcCommand(deps), args, c.io);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

beforeEach(async () => {
  tfc = await new FakeTfc().start();
  ws = tfc.addWorkspace(ORG, WS);
  // As after a deploy: the workspace has a configuration to run.
  tfc.addConfigurationVersion(ws.id, { speculative: false });
  now = 0;
});
afterEach(async () => tfc.stop());

describe("flashcrowd tfc: arguments", () => {
  it("exits 2 with a clear message when no token is set", async () => {
    const r = await tfcCli(["run", STACK], { TFC_ADDRESS: tfc.address });
    expect(r.code).toBe(2);
    expect(r.err).toContain("no Terraform Cloud token; set TFC_TOKEN");
    expect(tfc.requests).toHaveLength(0);
  });

  it("exits 2 for a stack the configured app does not have, naming the stacks", async () => {
    const r = await tfcCli(["status", "event-nope"], env(), { ...fastDeps(), stackIds: undefined });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /unknown stack "event-nope"; stacks are: tfc, prod, prod-addons, dev, dev-addons, event-edge, control, event-xmas-mega-sale, event-stadium-show-tickets/,
    );
  });

  it("exits 2 for an unknown subcommand", async () => {
    expect((await tfcCli(["destroy", STACK])).code).toBe(2);
  });

  it("exits 2 for an option of another subcommand", async () => {
    const r = await tfcCli(["status", STACK, "--destroy"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--destroy does not apply here");
  });

  it("is registered in the CLI as `tfc`", async () => {
    const c = captureIo(env());
    expect(await main(["tfc", "--help"], c.io)).toBe(0);
    expect(c.out.join("\n")).toContain("flashcrowd tfc run <stack> [--destroy] [--auto-apply] [--message TEXT] [--no-wait] [--timeout SECONDS]");
  });

  it("accepts TF_TOKEN_app_terraform_io when TFC_TOKEN is not set", async () => {
    const r = await tfcCli(["status", STACK], { TF_TOKEN_app_terraform_io: TOKEN, TFC_ADDRESS: tfc.address, TFC_ORG: ORG });
    expect(r.code).toBe(0);
  });
});

describe("flashcrowd tfc run", () => {
  it("creates an auto-applied run, prints its id, URL and each status, and exits 0 when applied", async () => {
    const r = await tfcCli(["run", STACK, "--auto-apply", "--message", "Spin-up by hand"]);
    expect(r.code).toBe(0);
    const run = [...tfc.runs.values()][0]!;
    expect(r.out).toContain(`${run.id} created`);
    expect(r.out).toContain(`${tfc.address}/app/${ORG}/workspaces/${WS}/runs/${run.id}`);
    expect(r.out).toContain("status: planning\nstatus: planned\nstatus: apply_queued\nstatus: applying\nstatus: applied");
    expect(tfc.requestsTo("POST", /\/runs$/)[0]?.body).toMatchObject({
      data: { attributes: { "is-destroy": false, "auto-apply": true, message: `Spin-up by hand [flashcrowd:${WS}:apply]` } },
    });
  });

  it("creates a destroy run with --destroy", async () => {
    await tfcCli(["run", STACK, "--destroy", "--auto-apply", "--no-wait"]);
    expect([...tfc.runs.values()][0]).toMatchObject({ isDestroy: true, message: `Destroy ${STACK} (flashcrowd tfc run) [flashcrowd:${WS}:destroy]` });
  });

  it("exits 1 with a one-line reason when the run errors", async () => {
    tfc.script = () => ["planning", "errored"];
    const r = await tfcCli(["run", STACK, "--auto-apply"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^run-\d+ ended errored: http:\/\/127\.0\.0\.1:\d+\/app\/acme\/workspaces\/flashcrowd-event-dec-flash-sale\/runs\/run-\d+$/);
  });

  it("exits 1 when the run does not finish within --timeout", async () => {
    tfc.script = () => ["planning"];
    const r = await tfcCli(["run", STACK, "--timeout", "30"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/timed out after 30 s, still planning/);
  });

  it("follows the run already under way on a duplicate trigger instead of creating a second", async () => {
    const first = await tfcCli(["run", STACK, "--auto-apply", "--no-wait"]);
    const second = await tfcCli(["run", STACK, "--auto-apply"]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.out).toContain("already under way for the same intent; following it");
    expect(tfc.runs.size).toBe(1);
    expect(tfc.requestsTo("POST", /\/runs$/)).toHaveLength(1);
  });

  it("rides out a 429 with a reset header and a 500 on the way", async () => {
    tfc.fail("GET", /\/workspaces\//, { status: 429, headers: { "X-RateLimit-Reset": "0.2" } });
    tfc.fail("GET", /\/runs\/run-/, { status: 500 });
    const r = await tfcCli(["run", STACK, "--auto-apply"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/retrying GET .* \(HTTP 429\)/);
    expect(r.err).toMatch(/retrying GET .* \(HTTP 500\)/);
  });

  it("rides out a dropped connection", async () => {
    tfc.fail("GET", /\/runs\/run-/, { drop: "before" });
    const r = await tfcCli(["run", STACK, "--auto-apply"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/retrying GET .* \(connection: /);
  });

  it("confirms a run that waits for confirmation only with --auto-apply", async () => {
    tfc.script = () => ["planning", "planned"];
    const r = await tfcCli(["run", STACK, "--timeout", "20"]);
    expect(r.out).toContain("waiting for confirmation");
    expect(r.code).toBe(1);
    expect(tfc.applied).toEqual([]);
  });

  it("says which workspace is missing", async () => {
    const r = await tfcCli(["run", "prod"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("workspace flashcrowd-prod not found in organization acme");
  });
});

describe("flashcrowd tfc upload and status", () => {
  it("uploads stacks/<stack> of --synth-dir as a configuration version that starts no run", async () => {
    const synthDir = mkdtempSync(join(tmpdir(), "synth-"));
    mkdirSync(join(synthDir, "stacks", STACK), { recursive: true });
    writeFileSync(join(synthDir, "stacks", STACK, "cdk.tf.json"), '{"resource":{}}');
    const r = await tfcCli(["upload", STACK, "--synth-dir", synthDir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cv-\d+ uploaded to acme\/flashcrowd-event-dec-flash-sale \(\d+ bytes\) and recorded for the lifecycle's runs; no run was started$/);
    const uploaded = r.out.split(" ")[0]!;
    expect(tfc.configurationVersions.get(uploaded)?.status).toBe("uploaded");
    expect(tfc.runs.size).toBe(0);
  });

  it("records the uploaded version in the workspace, where the lifecycle's runs are pinned to it", async () => {
    const synthDir = mkdtempSync(join(tmpdir(), "synth-"));
    mkdirSync(join(synthDir, "stacks", STACK), { recursive: true });
    writeFileSync(join(synthDir, "stacks", STACK, "cdk.tf.json"), '{"resource":{}}');
    const first = (await tfcCli(["upload", STACK, "--synth-dir", synthDir])).out.split(" ")[0];
    const second = (await tfcCli(["upload", STACK, "--synth-dir", synthDir])).out.split(" ")[0];
    expect(second).not.toBe(first);
    expect(ws.vars.filter((v) => v.key === UPLOADED_CONFIGURATION_VARIABLE)).toEqual([expect.objectContaining({ value: second, category: "env", sensitive: false })]);
  });

  it("synthesizes in-process when no --synth-dir is given", async () => {
    const synthesized: string[] = [];
    const r = await tfcCli(["upload", STACK], env(), {
      ...fastDeps(),
      synth: (_config, outdir) => {
        synthesized.push(outdir);
        mkdirSync(join(outdir, "stacks", STACK), { recursive: true });
        writeFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "{}");
      },
    });
    expect(r.code).toBe(0);
    expect(synthesized).toHaveLength(1);
  });

  it("refuses to upload a stack with unsuppressed policy errors, and uploads nothing", async () => {
    const synthDir = mkdtempSync(join(tmpdir(), "synth-"));
    mkdirSync(join(synthDir, "stacks", STACK), { recursive: true });
    const unsafe = { resource: { aws_s3_bucket: { data: { bucket: "data", force_destroy: true } } } };
    writeFileSync(join(synthDir, "stacks", STACK, "cdk.tf.json"), JSON.stringify(unsafe));
    const r = await tfcCli(["upload", STACK, "--synth-dir", synthDir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[S3-NO-FORCE-DESTROY]");
    expect(r.err).toContain("has unsuppressed policy errors; nothing was uploaded");
    // Only the version the workspace already had.
    expect(tfc.configurationVersions.size).toBe(1);
    expect(ws.vars).toEqual([]);
  });

  it("prints the workspace and its latest run", async () => {
    tfc.addRun(tfc.workspaces[0]!.id, { message: "last sale", status: "applied", script: [] });
    const r = await tfcCli(["status", STACK]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`workspace  ${ORG}/${WS}`);
    expect(r.out).toMatch(/latest run run-\d+ applied/);
  });
});
