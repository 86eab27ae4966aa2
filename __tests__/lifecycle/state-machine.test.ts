import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { lifecycleInput } from "../../src/lifecycle/input";
import { DEFAULT_LIFECYCLE_SETTINGS } from "../../src/lifecycle/settings";
import { SimulatedClock, TaskFailure, runExecution, type TaskInvocation } from "../../src/rehearsal/asl-runner";
import { configWith } from "../helpers/config";
import { STATES, TRANSIENT_ERRORS, VERIFIED_CONDITION, lifecycleDefinition, type AslDefinition } from "../../src/lifecycle/state-machine";

const aslValidator = createRequire(__filename)("asl-validator") as (d: unknown) => { isValid: boolean; errorsText: () => string };

const FN = {
  tfcRun: "arn:aws:lambda:ap-northeast-2:210987654321:function:tfc-run",
  dmsReplication: "arn:aws:lambda:ap-northeast-2:210987654321:function:dms",
  eventDatabase: "arn:aws:lambda:ap-northeast-2:210987654321:function:event-database",
  quiesce: "arn:aws:lambda:ap-northeast-2:210987654321:function:quiesce",
  smokeCheck: "arn:aws:lambda:ap-northeast-2:210987654321:function:smoke",
  notify: "arn:aws:lambda:ap-northeast-2:210987654321:function:notify",
};
const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, verifyMaxAttempts: 4 };
const definition = lifecycleDefinition({ functions: FN, settings });

/** Edges of a state: Next, Default, Choice targets and Catch targets. */
function edges(def: AslDefinition, name: string, skip?: (from: string, rule: Record<string, unknown>) => boolean): string[] {
  const s = def.States[name]!;
  const out: string[] = [];
  if (typeof s.Next === "string") out.push(s.Next);
  if (typeof s.Default === "string") out.push(s.Default);
  for (const rule of (s.Choices ?? []) as Record<string, unknown>[]) if (!skip?.(name, rule)) out.push(rule.Next as string);
  for (const c of (s.Catch ?? []) as { Next: string }[]) out.push(c.Next);
  return out;
}

function reachable(def: AslDefinition, from: string, skip?: (from: string, rule: Record<string, unknown>) => boolean): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const next of edges(def, queue.shift()!, skip)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === "Task");

describe("lifecycle state machine: structure", () => {
  it("is valid Amazon States Language", () => {
    const result = aslValidator(definition);
    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("the validator catches a dangling Next (so the check above can fail)", () => {
    const broken = structuredClone(definition) as AslDefinition;
    (broken.States[STATES.smokeCheck] as Record<string, unknown>).Next = "NoSuchState";
    expect(aslValidator(broken).isValid).toBe(false);
  });

  it("has every state reachable from the start and every edge pointing at a state", () => {
    const all = reachable(definition, definition.StartAt);
    expect([...all].sort()).toEqual(Object.keys(definition.States).sort());
    for (const name of Object.keys(definition.States)) {
      for (const next of edges(definition, name)) expect(definition.States[next], `${name} -> ${next}`).toBeDefined();
    }
  });

  it.each(tasks)("task %s retries transient errors", (_name, state) => {
    const retry = state.Retry as { ErrorEquals: string[]; MaxAttempts: number; BackoffRate: number }[];
    expect(retry.length).toBeGreaterThan(0);
    expect(retry[0]!.ErrorEquals).toEqual(expect.arrayContaining([...TRANSIENT_ERRORS]));
    expect(retry[0]!.MaxAttempts).toBeGreaterThan(1);
    expect(retry[0]!.BackoffRate).toBeGreaterThan(1);
  });

  it.each(tasks)("task %s catches every other error", (_name, state) => {
    const catchers = state.Catch as { ErrorEquals: string[]; Next: string }[];
    expect(catchers.some((c) => c.ErrorEquals.includes("States.ALL"))).toBe(true);
    expect(state.TimeoutSeconds).toBeGreaterThan(0);
  });
});

describe("lifecycle state machine: teardown cannot destroy unverified data", () => {
  const withoutVerifiedRule = (from: string, rule: Record<string, unknown>) => from === STATES.dataVerified && rule.Condition === VERIFIED_CONDITION;
  /** What only verified data may lead to: its snapshot, deletion protection off, the destroy run. */
  const guarded = [STATES.verifiedSnapshot, STATES.unprotectDatabase, STATES.startDestroyRun];
  const teardownStart = STATES.postponeAutoDestroy;

  it("starts teardown at the auto-destroy postponement, then quiesces, stops DMS at the quiesce time and reconciles", () => {
    const path = [STATES.postponeAutoDestroy, STATES.quiesce, STATES.quiesceStatus, STATES.stopReplicationAt, STATES.replicationStatus, STATES.reconcile, STATES.dataVerified];
    for (const [from, to] of path.slice(0, -1).map((s, i) => [s, path[i + 1]!] as const)) {
      expect(edges(definition, from), `${from} -> ${to}`).toContain(to);
    }
  });

  it("reaches the verified snapshot, deletion protection off and the destroy run from the start of teardown through the verified rule", () => {
    const all = reachable(definition, teardownStart);
    for (const state of guarded) expect(all.has(state), state).toBe(true);
  });

  it("cannot reach any of them from the start of teardown without it", () => {
    const rest = reachable(definition, teardownStart, withoutVerifiedRule);
    for (const state of guarded) expect(rest.has(state), state).toBe(false);
  });

  it("the reachability check finds a bypass when one is added (so the check above can fail)", () => {
    const bypassed = structuredClone(definition) as AslDefinition;
    (bypassed.States[STATES.waitBeforeReverify] as Record<string, unknown>).Next = STATES.startDestroyRun;
    expect(reachable(bypassed, teardownStart, withoutVerifiedRule).has(STATES.startDestroyRun)).toBe(true);
  });

  it("decides on the reconciliation made just before: the decision has no other way in", () => {
    const into = Object.keys(definition.States).filter((n) => edges(definition, n).includes(STATES.dataVerified));
    expect(into).toEqual([STATES.reconcile]);
    expect(definition.States[STATES.reconcile]!.Assign).toMatchObject({ reconcile: "{% $states.result.Payload %}" });
    const rules = definition.States[STATES.dataVerified]!.Choices as { Condition: string; Next: string }[];
    expect(rules.filter((r) => r.Next === STATES.verifiedSnapshot)).toEqual([{ Condition: VERIFIED_CONDITION, Next: STATES.verifiedSnapshot }]);
  });

  it("asks for a finished reconciliation that matched, not just one that finished", () => {
    expect(VERIFIED_CONDITION).toMatch(/\$reconcile\.done = true/);
    expect(VERIFIED_CONDITION).toMatch(/\$reconcile\.matched = true/);
  });

  it("turns deletion protection off only once the verified snapshot is available, and destroys only after that", () => {
    const into = (target: string) => Object.keys(definition.States).filter((n) => edges(definition, n).includes(target));
    expect(into(STATES.unprotectDatabase)).toEqual([STATES.verifiedSnapshotStatus]);
    const rules = definition.States[STATES.verifiedSnapshotStatus]!.Choices as { Condition: string; Next: string }[];
    expect(rules.filter((r) => r.Next === STATES.unprotectDatabase).map((r) => r.Condition)).toEqual([expect.stringContaining("available")]);
    expect(into(STATES.startDestroyRun)).toEqual([STATES.unprotectDatabase]);
  });

  it("cannot reach teardown from spin-up", () => {
    const fromUp = reachable(definition, STATES.startApplyRun);
    for (const state of [teardownStart, STATES.quiesce, STATES.stopReplicationAt, ...guarded]) expect(fromUp.has(state), state).toBe(false);
  });
});

describe("lifecycle state machine: spin-up", () => {
  it("checks the key block between the post-apply step and the DMS task's start", () => {
    expect(definition.States[STATES.postApply]!.Next).toBe(STATES.checkKeyBlock);
    expect(definition.States[STATES.checkKeyBlock]!.Next).toBe(STATES.startReplication);
    expect(edges(definition, STATES.startReplication)).toContain(STATES.smokeCheck);
  });

  it.each([
    [STATES.postApply, "$event.postApplyFunctionName", "post-apply"],
    [STATES.checkKeyBlock, "$event.dataCheckFunctionName", "key-block"],
    [STATES.startReplication, "$event.postApplyFunctionName", "start-replication"],
    [STATES.reconcile, "$event.dataCheckFunctionName", "reconcile"],
  ])("invokes %s on the event's own function, named in the input", (state, fn, action) => {
    const args = definition.States[state]!.Arguments as { FunctionName: string; Payload: { action: string } };
    expect(args.FunctionName).toBe(`{% ${fn} %}`);
    expect(args.Payload.action).toBe(action);
  });
});

describe("lifecycle state machine: teardown paths", () => {
  const config = configWith();
  const down = lifecycleInput(config, config.events.calendar[0]!, "down");
  const QUIESCED_AT = "2026-12-06T01:05:00.000Z";

  /** Fake functions of a teardown; `reconcile` answers the data check. */
  function teardown(reconcile: () => unknown) {
    const calls: { fn: string; payload: Record<string, unknown> }[] = [];
    const invoke = async ({ functionName, payload }: TaskInvocation): Promise<unknown> => {
      const p = payload as Record<string, unknown>;
      calls.push({ fn: functionName, payload: p });
      switch (functionName) {
        case FN.tfcRun:
          if (p.action === "postpone-auto-destroy") return { autoDestroyAt: null, moved: false };
          if (p.action === "start") return { runId: "run-9", status: "plan_queued", outcome: "pending", url: "https://tfc/run-9", created: true };
          return { runId: "run-9", status: "applied", outcome: "succeeded", url: "https://tfc/run-9" };
        case FN.quiesce:
          return { quiesced: true, phase: "quiesced", reasons: [], queue: { messages: 0, deadLetters: 0 }, quiescedAt: QUIESCED_AT };
        case FN.dmsReplication:
          return { status: "stopped", stoppedAtCommitTime: true, detail: "stopped" };
        case FN.eventDatabase:
          return p.action === "unprotect" ? { deletionProtection: false, changed: true } : { state: "available", status: "available" };
        case FN.notify:
          return { sent: ["slack"] };
        case down.event.dataCheckFunctionName:
          return reconcile();
        default:
          throw new TaskFailure("UnexpectedFunction", functionName);
      }
    };
    return { calls, invoke };
  }

  const run = (invoke: (i: TaskInvocation) => Promise<unknown>) =>
    runExecution({
      definition,
      stateMachineArn: "arn:aws:states:ap-northeast-2:210987654321:stateMachine:lifecycle",
      executionName: "down",
      input: down,
      clock: new SimulatedClock(Date.parse("2026-12-06T01:00:00Z")),
      invoke,
      random: () => 0,
    });
  const steps = (calls: { fn: string; payload: Record<string, unknown> }[]) =>
    calls.filter((c) => c.fn !== FN.notify).map((c) => `${c.fn === down.event.dataCheckFunctionName ? "data-check" : c.fn.split(":").at(-1)}:${String(c.payload.action ?? "quiesce")}`);

  it("destroys verified data only after its snapshot and with deletion protection turned off, in that order", async () => {
    const { calls, invoke } = teardown(() => ({ done: true, matched: true }));
    const result = await run(invoke);
    expect(result.status).toBe("SUCCEEDED");
    expect(steps(calls)).toEqual([
      "tfc-run:postpone-auto-destroy",
      "quiesce:quiesce",
      "dms:stop-at",
      "data-check:reconcile",
      "event-database:snapshot",
      "event-database:unprotect",
      "tfc-run:start",
      "tfc-run:status",
      "event-database:final-snapshot",
    ]);
    expect(calls.find((c) => c.fn === FN.dmsReplication)!.payload.commitTime).toBe(QUIESCED_AT);
    expect(calls.find((c) => c.fn === FN.tfcRun && c.payload.action === "start")!.payload.destroy).toBe(true);
  });

  it.each([
    ["found differences", { done: true, matched: false, summary: "orders: 2 rows missing in prod" }],
    ["never finished", { done: false, matched: false, cursor: { table: 0 } }],
  ])("never snapshots, unprotects or destroys when the reconciliation %s, and says so", async (_, answer) => {
    const { calls, invoke } = teardown(() => answer);
    const result = await run(invoke);
    expect(result.status).toBe("FAILED");
    expect(calls.some((c) => c.fn === FN.eventDatabase)).toBe(false);
    expect(calls.some((c) => c.fn === FN.tfcRun && c.payload.action === "start")).toBe(false);
    const failure = calls.filter((c) => c.fn === FN.notify).at(-1)!.payload;
    expect(failure.kind).toBe("failed");
  });

  it("never destroys when the data check itself fails", async () => {
    const { calls, invoke } = teardown(() => {
      throw new TaskFailure("Error", "prod reader secret has no value");
    });
    const result = await run(invoke);
    expect(result.status).toBe("FAILED");
    expect(calls.some((c) => c.fn === FN.eventDatabase)).toBe(false);
    expect(calls.some((c) => c.fn === FN.tfcRun && c.payload.action === "start")).toBe(false);
  });
});
