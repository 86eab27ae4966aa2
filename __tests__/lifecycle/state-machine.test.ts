import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIFECYCLE_SETTINGS } from "../../src/lifecycle/settings";
import { STATES, TRANSIENT_ERRORS, VERIFIED_CONDITION, lifecycleDefinition, type AslDefinition } from "../../src/lifecycle/state-machine";
import { TaskError, simulate, type AslJson, type TaskCall } from "../helpers/asl-simulator";

const aslValidator = createRequire(__filename)("asl-validator") as (d: unknown) => { isValid: boolean; errorsText: () => string };

const FN = {
  tfcRun: "arn:aws:lambda:ap-northeast-2:210987654321:function:tfc-run",
  dmsReplication: "arn:aws:lambda:ap-northeast-2:210987654321:function:dms",
  finalSnapshot: "arn:aws:lambda:ap-northeast-2:210987654321:function:snapshot",
  smokeCheck: "arn:aws:lambda:ap-northeast-2:210987654321:function:smoke",
  notify: "arn:aws:lambda:ap-northeast-2:210987654321:function:notify",
};
const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, verifyMaxAttempts: 4 };
const definition = lifecycleDefinition({ functions: FN, settings });

const EVENT = {
  slug: "dec-flash-sale",
  name: "December flash sale",
  stackId: "event-dec-flash-sale",
  workspace: "flashcrowd-event-dec-flash-sale",
  ownerChannel: "#sale-ops",
  opensAt: "2026-12-04T20:00:00+09:00",
  closesAt: "2026-12-06T00:00:00+09:00",
  dmsTaskId: "flashcrowd-event-dec-flash-sale-sync",
  dmsReplicationInstanceId: "flashcrowd-event-dec-flash-sale-dms",
  auroraClusterId: "flashcrowd-event-dec-flash-sale-db",
  finalSnapshotId: "flashcrowd-event-dec-flash-sale-db-final-20261205t1600",
  smokeCheckUrl: "https://sale.flashcrowd.example/healthz",
  postApplyFunctionName: "flashcrowd-event-dec-flash-sale-post-apply",
};
const input = (action: string) => ({ action, scheduledAt: "2026-12-04T17:00:00+09:00", event: EVENT });

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

  it("reaches the destroy run from the start of teardown through the verified rule", () => {
    expect(reachable(definition, STATES.verifyData).has(STATES.startDestroyRun)).toBe(true);
  });

  it("cannot reach the destroy run, or stop replication, from the start of teardown without it", () => {
    const rest = reachable(definition, STATES.verifyData, withoutVerifiedRule);
    expect(rest.has(STATES.startDestroyRun)).toBe(false);
    expect(rest.has(STATES.stopReplication)).toBe(false);
  });

  it("the reachability check finds a bypass when one is added (so the check above can fail)", () => {
    const bypassed = structuredClone(definition) as AslDefinition;
    (bypassed.States[STATES.waitBeforeReverify] as Record<string, unknown>).Next = STATES.startDestroyRun;
    expect(reachable(bypassed, STATES.verifyData, withoutVerifiedRule).has(STATES.startDestroyRun)).toBe(true);
  });

  it("decides on the result of the data check made just before: the decision has no other way in", () => {
    const into = Object.keys(definition.States).filter((n) => edges(definition, n).includes(STATES.dataVerified));
    expect(into).toEqual([STATES.verifyData]);
    expect((definition.States[STATES.verifyData]!.Assign as Record<string, string>).verification).toBe("{% $states.result.Payload %}");
    const rules = definition.States[STATES.dataVerified]!.Choices as { Condition: string; Next: string }[];
    expect(rules.filter((r) => r.Next === STATES.stopReplication)).toEqual([{ Condition: VERIFIED_CONDITION, Next: STATES.stopReplication }]);
  });

  it("cannot reach teardown from spin-up", () => {
    const fromUp = reachable(definition, STATES.startApplyRun);
    expect(fromUp.has(STATES.startDestroyRun)).toBe(false);
    expect(fromUp.has(STATES.stopReplication)).toBe(false);
  });
});

interface Script {
  verify?: () => unknown;
  run?: (call: TaskCall) => unknown;
  snapshot?: () => unknown;
  postApply?: () => unknown;
}

function fakeTasks(script: Script = {}) {
  let runPolls = 0;
  return (call: TaskCall): unknown => {
    const p = call.payload;
    switch (call.functionName) {
      case FN.tfcRun:
        if (script.run) return script.run(call);
        if (p.action === "start") return { runId: "run-1", status: "pending", outcome: "pending", url: "https://tfc/run-1", created: true };
        runPolls++;
        return runPolls < 3 ? { runId: "run-1", status: "planning", outcome: "pending", url: "https://tfc/run-1" } : { runId: "run-1", status: "applied", outcome: "succeeded", url: "https://tfc/run-1" };
      case FN.dmsReplication:
        if (p.action === "verify") return script.verify ? script.verify() : { verified: true, reasons: [] };
        return { status: p.action === "stop" ? "stopping" : "stopped" };
      case FN.finalSnapshot:
        return script.snapshot ? script.snapshot() : { state: "available", status: "available" };
      case FN.smokeCheck:
        return { status: 200 };
      case FN.notify:
        return { sent: true };
      case EVENT.postApplyFunctionName:
        return script.postApply ? script.postApply() : { binlogRetentionHours: 168 };
      default:
        throw new Error(`unexpected function ${String(call.functionName)}`);
    }
  };
}

const json = definition as unknown as AslJson;
const destroyStarts = (calls: TaskCall[]) => calls.filter((c) => c.functionName === FN.tfcRun && c.payload.action === "start" && c.payload.destroy === true);
const notifications = (calls: TaskCall[]) => calls.filter((c) => c.functionName === FN.notify).map((c) => c.payload.kind);

describe("lifecycle state machine: executions", () => {
  it("spins up: apply run, post-apply step by the event's function name, smoke check, notification", async () => {
    const ex = await simulate(json, input("up"), fakeTasks());
    expect(ex.status).toBe("SUCCEEDED");
    const start = ex.calls.find((c) => c.state === STATES.startApplyRun)!;
    expect(start.payload).toEqual({
      action: "start",
      workspace: EVENT.workspace,
      destroy: false,
      message: "Spin-up of December flash sale (scheduled 2026-12-04T17:00:00+09:00)",
    });
    expect(ex.calls.find((c) => c.state === STATES.postApply)?.functionName).toBe(EVENT.postApplyFunctionName);
    expect(ex.calls.find((c) => c.state === STATES.smokeCheck)?.payload).toEqual({ url: EVENT.smokeCheckUrl });
    expect(notifications(ex.calls)).toEqual(["spun-up"]);
  });

  it("stops spin-up and alerts when the apply run errors", async () => {
    const ex = await simulate(json, input("up"), fakeTasks({ run: (c) => ({ runId: "run-1", status: c.payload.action === "start" ? "pending" : "errored", outcome: c.payload.action === "start" ? "pending" : "failed", url: "u" }) }));
    expect(ex.status).toBe("FAILED");
    expect(ex.path).toContain(STATES.applyRunFailed);
    expect(ex.path).not.toContain(STATES.postApply);
    expect(notifications(ex.calls)).toEqual(["failed"]);
    expect((ex.variables.failure as { Cause: string }).Cause).toBe("run run-1 ended errored: u");
  });

  it("tears down verified data: stop replication, destroy run, final snapshot confirmed, notification", async () => {
    const ex = await simulate(json, input("down"), fakeTasks());
    expect(ex.status).toBe("SUCCEEDED");
    const order = ex.calls.map((c) => `${c.state}`);
    expect(order.indexOf(STATES.verifyData)).toBeLessThan(order.indexOf(STATES.stopReplication));
    expect(order.indexOf(STATES.stopReplication)).toBeLessThan(order.indexOf(STATES.startDestroyRun));
    expect(destroyStarts(ex.calls)).toHaveLength(1);
    expect(ex.calls.find((c) => c.state === STATES.checkFinalSnapshot)?.payload).toEqual({ snapshotId: EVENT.finalSnapshotId, clusterId: EVENT.auroraClusterId });
    expect(notifications(ex.calls)).toEqual(["torn-down"]);
  });

  it("alerts and checks again while the data is not verified, then destroys once it is", async () => {
    let checks = 0;
    const ex = await simulate(json, input("down"), fakeTasks({ verify: () => (++checks < 3 ? { verified: false, reasons: ["CDC latency 40 s"] } : { verified: true, reasons: [] }) }));
    expect(ex.status).toBe("SUCCEEDED");
    expect(checks).toBe(3);
    expect(notifications(ex.calls)).toEqual(["not-verified", "not-verified", "torn-down"]);
    expect(ex.calls.filter((c) => c.payload.kind === "not-verified").map((c) => c.payload.attempt)).toEqual([1, 2]);
    expect(destroyStarts(ex.calls)).toHaveLength(1);
  });

  it("never destroys when the data stays unverified: gives up after the limit and alerts", async () => {
    const ex = await simulate(json, input("down"), fakeTasks({ verify: () => ({ verified: false, reasons: ["table orders: Mismatched records"] }) }));
    expect(ex.status).toBe("FAILED");
    expect(ex.calls.filter((c) => c.state === STATES.verifyData)).toHaveLength(settings.verifyMaxAttempts);
    expect(destroyStarts(ex.calls)).toHaveLength(0);
    expect(ex.calls.some((c) => c.state === STATES.stopReplication)).toBe(false);
    expect(notifications(ex.calls)).toEqual(["not-verified", "not-verified", "not-verified", "failed"]);
    expect((ex.variables.failure as { Error: string; Cause: string }).Cause).toContain("NOT destroyed: table orders: Mismatched records");
  });

  it("does not destroy when the data check itself fails", async () => {
    const ex = await simulate(json, input("down"), fakeTasks({ verify: () => { throw new TaskError("ReplicationTaskNotFound", "no task"); } }));
    expect(ex.status).toBe("FAILED");
    expect(destroyStarts(ex.calls)).toHaveLength(0);
    expect((ex.variables.failure as { step: string }).step).toBe(STATES.verifyData);
  });

  it("retries a transient failure of the data check in place", async () => {
    let n = 0;
    const ex = await simulate(json, input("down"), fakeTasks({ verify: () => { if (n++ === 0) throw new TaskError("Lambda.TooManyRequestsException"); return { verified: true, reasons: [] }; } }));
    expect(ex.status).toBe("SUCCEEDED");
  });

  it("alerts when the final snapshot is missing after the destroy run", async () => {
    const ex = await simulate(json, input("down"), fakeTasks({ snapshot: () => ({ state: "missing" }) }));
    expect(ex.status).toBe("FAILED");
    expect(ex.path).toContain(STATES.finalSnapshotMissing);
    expect(notifications(ex.calls)).toEqual(["failed"]);
  });

  it("fails an unknown action without doing anything", async () => {
    const ex = await simulate(json, input("sideways"), fakeTasks());
    expect(ex).toMatchObject({ status: "FAILED", error: "UnknownAction", calls: [] });
  });
});
