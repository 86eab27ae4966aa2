/**
 * The contract between the state machine and its functions, from the real artefacts: every Task
 * state of the state machine the app synthesizes computes a payload (evaluated with JSONata from
 * the synthesized definition, with the execution input the synthesized schedule passes), and that
 * payload must be accepted by the schema of the function the state invokes. The bundled handlers
 * enforce the same schemas before they do anything.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaBundles, HANDLERS, type HandlerKey } from "../../src/lifecycle/bundle";
import { PAYLOAD_SCHEMAS } from "../../src/lifecycle/contracts";
import { evaluate, type AslDefinition } from "../../src/rehearsal/asl-runner";
import { synthesizeForRehearsal } from "../../src/rehearsal/run";
import { controlArtefacts, readStack } from "../../src/rehearsal/world";
import { REHEARSAL_SLUG, rehearsalConfig } from "../helpers/rehearsal-config";

const config = rehearsalConfig();
const platform = config.events.platform;

/** What each variable holds at some point of an execution: the handlers' result shapes. */
function variablesFor(action: "up" | "down", input: { event: Record<string, unknown>; scheduledAt: string }): Record<string, unknown> {
  return {
    action,
    event: input.event,
    scheduledAt: input.scheduledAt,
    run: { runId: "run-AbC123", status: "applied", outcome: "succeeded", url: "https://app.terraform.io/app/o/workspaces/w/runs/run-AbC123", configurationVersionId: "cv-1" },
    quiesce: { quiesced: true, phase: "quiesced", reasons: [], queue: { messages: 0, deadLetters: 0 }, quiescedAt: "2031-03-14T18:01:00.000Z" },
    replication: { status: "stopped", stoppedAtCommitTime: true, detail: "stopped" },
    reconcile: { done: false, matched: false, cursor: { request: "f", table: 0, afterKey: "5000000000010", totals: [] }, tables: [], summary: "in progress" },
    snapshot: { state: "available", status: "available" },
    failure: { step: "StartApplyRun", Error: "TransientError", Cause: "503" },
    notVerified: ["reconciliation found differences"],
    runPolls: 1,
    runWaitingNotified: false,
    quiescePolls: 1,
    stopPolls: 1,
    reconcileCalls: 1,
    snapshotPolls: 1,
    verifyAttempts: 0,
  };
}

interface Computed {
  readonly state: string;
  readonly key: HandlerKey;
  readonly payload: Record<string, unknown>;
}

describe("state machine -> function payload contract", () => {
  let dir: string;
  let definition: AslDefinition;
  let computed: Computed[];
  let dispose: () => void;

  /** Every Task's payload, for the schedule input of `action`, with the function it goes to. */
  async function payloads(def: AslDefinition, action: "up" | "down"): Promise<Computed[]> {
    const artefacts = controlArtefacts(dir, REHEARSAL_SLUG, platform.region, platform.account);
    const schedule = artefacts.schedules.find((s) => s.action === action)!;
    const input = JSON.parse(schedule.params.Input) as { event: Record<string, unknown>; scheduledAt: string };
    const eventFunctions = Object.values(readStack(dir, `event-${REHEARSAL_SLUG}`).resource?.aws_lambda_function ?? {}).map((f) => ({
      name: String(f.function_name),
      key: String(f.filename).split("/").pop()!.replace(/\.zip$/, ""),
    }));
    const keyOfBundle = (bundle: string) => (Object.entries(HANDLERS).find(([, file]) => file === bundle)?.[0] ?? "") as HandlerKey;
    const out: Computed[] = [];
    for (const [state, s] of Object.entries(def.States)) {
      if (s.Type !== "Task") continue;
      const bindings = {
        ...variablesFor(action, input),
        states: { input, context: { Execution: { Name: schedule.params.Name }, State: { Name: state, EnteredTime: "2031-03-14T08:00:00.000Z", RetryCount: 0 } } },
      };
      const args = (await evaluate(s.Arguments, bindings)) as { FunctionName: string; Payload: Record<string, unknown> };
      const name = args.FunctionName.split(":").pop()!;
      const control = artefacts.functions[name];
      const key = control ? (control.key as HandlerKey) : keyOfBundle(eventFunctions.find((f) => f.name === name)?.key ?? "");
      if (!key) throw new Error(`${state} invokes ${args.FunctionName}, which neither the control nor the event stack creates`);
      out.push({ state, key, payload: JSON.parse(JSON.stringify(args.Payload)) as Record<string, unknown> });
    }
    return out;
  }

  beforeAll(async () => {
    const synth = synthesizeForRehearsal(config, REHEARSAL_SLUG);
    dir = synth.dir;
    dispose = synth.dispose;
    definition = controlArtefacts(dir, REHEARSAL_SLUG, platform.region, platform.account).definition;
    computed = [...(await payloads(definition, "up")), ...(await payloads(definition, "down"))];
  }, 180_000);

  afterAll(() => dispose?.());

  it("covers every Task state of the synthesized definition", () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === "Task").map(([n]) => n);
    expect(new Set(computed.map((c) => c.state))).toEqual(new Set(tasks));
  });

  it("every Task's payload is accepted by the function it invokes", () => {
    const refused = computed.flatMap((c) => {
      const result = PAYLOAD_SCHEMAS[c.key].safeParse(c.payload);
      return result.success ? [] : [`${c.state} -> ${c.key}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`];
    });
    expect(refused).toEqual([]);
  });

  it("every Task's payload carries nothing but what its function needs: any field dropped is missed", () => {
    // A field the schema does not miss would be dead weight in the definition, or an optional field never sent.
    const unused = computed.flatMap((c) =>
      Object.keys(c.payload).flatMap((field) => {
        const { [field]: _dropped, ...rest } = c.payload;
        void _dropped;
        const optional = ["cursor", "scheduledAt", "run", "verification", "failure", "attempt", "maxAttempts", "nextCheckSeconds"];
        return PAYLOAD_SCHEMAS[c.key].safeParse(rest).success && !optional.includes(field) ? [`${c.state}.${field}`] : [];
      }),
    );
    expect(unused).toEqual([]);
  });

  it.each([
    ["PollApplyRun", (p: Record<string, unknown>) => ({ ...p, runId: undefined })],
    ["RunPostApplyStep", (p: Record<string, unknown>) => ({ ...p, clusterIdentifier: "db" })],
    ["Reconcile", (p: Record<string, unknown>) => ({ ...p, action: "verify" })],
    ["Quiesce", (p: Record<string, unknown>) => ({ ...p, queueName: 42 })],
  ])("a payload of %s changed by hand is refused (the check can fail)", (state, mutate) => {
    const c = computed.find((x) => x.state === state)!;
    expect(PAYLOAD_SCHEMAS[c.key].safeParse(JSON.parse(JSON.stringify(mutate(c.payload)))).success).toBe(false);
  });
});

describe("the bundled handlers enforce the payload schemas", () => {
  const scratch = mkdtempSync(join(tmpdir(), "flashcrowd-bundles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(Object.keys(HANDLERS) as HandlerKey[])("%s refuses a payload with an unknown field before doing anything", async (key) => {
    const bundle = lambdaBundles()[key];
    const file = join(scratch, `${key}.cjs`);
    writeFileSync(file, unzipSync(readFileSync(bundle.zipPath))["index.js"]!);
    const { handler } = createRequire(__filename)(file) as { handler: (payload: unknown) => Promise<unknown> };
    await expect(handler({ action: "start", unexpected: true })).rejects.toMatchObject({ name: "InvalidPayload" });
  });
});
