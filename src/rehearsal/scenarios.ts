/**
 * The rehearsal's scenarios: what goes wrong on an event day, and what the lifecycle must do
 * about it. Each runs the whole lifecycle (spin-up, the sale, teardown) and checks its own
 * expectation besides the product's promise (nothing destroyed unless every event order is in
 * prod; no order destroyed with its queue).
 */
import type { SimulatedClock } from "./asl-runner";
import { FakeServiceError } from "./fake-aws";
import type { RehearsalEvent, RehearsalReport } from "./types";
import type { World } from "./world";

export interface ScenarioContext {
  readonly world: World;
  readonly clock: SimulatedClock;
  readonly event: RehearsalEvent;
  readonly note: (line: string) => void;
  /** When the spin-up and teardown schedules fire. */
  readonly upAt: number;
  readonly downAt: number;
}

export interface Hook {
  /** Simulated time at or after which it runs. */
  readonly at: number;
  readonly what: string;
  run(ctx: ScenarioContext): Promise<void> | void;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** Before the spin-up schedule fires. */
  setup?(ctx: ScenarioContext): Promise<void> | void;
  /** Things that happen at set times: a person acting, a bad write, a safety net firing. */
  hooks?(ctx: ScenarioContext): Hook[];
  readonly traffic?: { readonly ordersPerStep?: number; readonly queuedPerStep?: number };
  /** Scheduler delivers every schedule twice: once while the execution runs, once after it ended. */
  readonly duplicateDelivery?: boolean;
  /** The teardown schedule does not fire (the spin-up failed; nothing to tear down). */
  readonly skipTeardown?: boolean;
  /**
   * An edit of the calendar merged after the spin-up (for example a later `closes`): the control
   * stack is synthesized again from the edited configuration, and its schedules replace the old
   * ones, as the deploy of that merge would.
   */
  readonly calendarEdit?: (calendar: { slug: string; closes: string }[]) => void;
  /** A person starts the teardown again once the hooks have run. */
  readonly rerunTeardownAfterHooks?: boolean;
  /** Problems with the outcome; empty when the scenario passed. */
  expect(report: RehearsalReport, ctx: ScenarioContext): string[];
}

const MIN = 60_000;

function check(problems: string[], ok: boolean, problem: string): void {
  if (!ok) problems.push(problem);
}

const statusOf = (r: RehearsalReport, i: number) => r.executions[i]?.status ?? "not run";

/** Spin-up and teardown both succeeded, the environment is gone and every order is in prod. */
function wholeLifecycle(r: RehearsalReport): string[] {
  const p: string[] = [];
  check(p, statusOf(r, 0) === "SUCCEEDED", `spin-up ended ${statusOf(r, 0)} (${r.executions[0]?.error ?? ""}: ${r.executions[0]?.cause ?? ""})`);
  check(p, statusOf(r, 1) === "SUCCEEDED", `teardown ended ${statusOf(r, 1)} (${r.executions[1]?.error ?? ""}: ${r.executions[1]?.cause ?? ""})`);
  check(p, r.destroyed, "the environment was not destroyed");
  check(p, r.ordersWritten > 0, "no order was written during the sale");
  check(p, r.prodRows === r.ordersWritten, `${r.prodRows} event orders in prod of ${r.ordersWritten} written`);
  check(p, r.applyRuns === 1, `${r.applyRuns} apply runs, expected exactly 1`);
  check(p, r.destroyRuns === 1, `${r.destroyRuns} destroy runs, expected exactly 1`);
  return p;
}

/** Teardown did not destroy, said so, and the event's data is intact in the event database. */
function notDestroyed(r: RehearsalReport, reason: RegExp): string[] {
  const p: string[] = [];
  check(p, !r.destroyed, "the environment was destroyed");
  check(p, r.eventRows === r.ordersWritten, `${r.eventRows} orders left in the event database of ${r.ordersWritten} written`);
  check(p, r.destroyRuns === 0, `${r.destroyRuns} destroy runs were started`);
  check(p, r.alerts.some((a) => /teardown failed/.test(a)) && r.slack.some((s) => reason.test(s)), `no teardown alert matching ${reason}`);
  return p;
}

/** Seconds from `from` to the first Slack message matching `pattern`. */
function firstMessageAfter(ctx: ScenarioContext, pattern: RegExp, from: number): number | undefined {
  const i = ctx.world.slack.findIndex((s) => pattern.test(s.text) && s.at >= from);
  return i < 0 ? undefined : (ctx.world.slack[i]!.at - from) / 1000;
}

const waitingReported = (reason: string) => (r: RehearsalReport, ctx: ScenarioContext): string[] => {
  const p = wholeLifecycle(r);
  const after = firstMessageAfter(ctx, new RegExp(`needs a person|cannot move on by itself`), ctx.upAt);
  check(p, after !== undefined && after <= 5 * 60, `the ${reason} run was reported after ${after ?? "never"} s, expected within 5 minutes`);
  check(p, r.slack.some((s) => s.includes(reason === "queued" ? "queued behind" : reason === "locked" ? "locked" : "override")), `no message says the run is ${reason}`);
  return p;
};

/** The event's workspace in the Terraform Cloud fake. */
const workspaceOf = (ctx: ScenarioContext) => ctx.world.tfc.workspaces.find((w) => w.name === ctx.world.workspace)!;

/** Changes one replicated event order in prod, as a stray script or a person would. */
async function changeEventRowInProd(ctx: ScenarioContext): Promise<void> {
  await ctx.world.sql("prod", "UPDATE shop.orders SET total = total + 1 WHERE id = ?", [ctx.event.keyBlock.first + 2]);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "happy-path",
    summary: "spin-up applies the uploaded configuration, the sale takes orders, teardown quiesces, verifies every order in prod and destroys",
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.alerts.length === 0, `alerts were sent: ${r.alerts.join(" | ")}`);
      check(p, r.slack.some((s) => s.includes("is up")) && r.slack.some((s) => s.includes("torn down")), "no spun-up and torn-down messages");
      return p;
    },
  },
  {
    name: "apply-run-errors",
    summary: "the apply run errors: spin-up alerts with the run's URL and runs no post-apply step",
    skipTeardown: true,
    setup: ({ world }) => {
      world.tfc.script = (run) => (run.isDestroy ? ["plan_queued", "planning", "planned", "apply_queued", "applying", "applied"] : ["plan_queued", "planning", "errored"]);
    },
    expect: (r) => {
      const p: string[] = [];
      check(p, statusOf(r, 0) === "FAILED", `spin-up ended ${statusOf(r, 0)}`);
      check(p, r.alerts.some((a) => /spin-up failed at ApplyRunFailed/.test(a)), `no ApplyRunFailed alert: ${r.alerts.join(" | ")}`);
      check(p, !r.timeline.some((l) => l.includes("RunPostApplyStep: invoke")), "the post-apply step ran after a failed apply");
      return p;
    },
  },
  {
    name: "queued-behind-run",
    summary: "a stale run holds the workspace: the spin-up says so within minutes and goes on once a person discards it",
    setup: (ctx) => {
      ctx.world.tfc.addRun(workspaceOf(ctx).id, { message: "manual plan someone left open", status: "planning", script: [], autoApply: false });
    },
    hooks: (ctx) => [
      {
        at: ctx.upAt + 25 * MIN,
        what: "a person discards the stale run",
        run: () => {
          const stale = [...ctx.world.tfc.runs.values()].find((r) => r.message.startsWith("manual plan"))!;
          ctx.world.tfc.discard(stale.id);
        },
      },
    ],
    expect: waitingReported("queued"),
  },
  {
    name: "locked-workspace",
    summary: "someone locked the workspace: the spin-up says who and what to do within minutes, and goes on after the unlock",
    setup: (ctx) => ctx.world.tfc.lock(workspaceOf(ctx).id, "user-alice"),
    hooks: (ctx) => [{ at: ctx.upAt + 20 * MIN, what: "alice unlocks the workspace", run: () => ctx.world.tfc.unlock(workspaceOf(ctx).id) }],
    expect: waitingReported("locked"),
  },
  {
    name: "policy-override",
    summary: "a soft-failed policy check holds the apply: reported within minutes, applied after a person overrides",
    setup: ({ world }) => {
      world.tfc.script = (run) =>
        run.isDestroy ? ["plan_queued", "planning", "planned", "apply_queued", "applying", "applied"] : ["plan_queued", "planning", "policy_override", "apply_queued", "applying", "applied"];
    },
    hooks: (ctx) => [
      {
        at: ctx.upAt + 30 * MIN,
        what: "an owner overrides the policy check",
        run: () => {
          const run = [...ctx.world.tfc.runs.values()].find((r) => r.status === "policy_override");
          if (run) ctx.world.tfc.override(run.id);
        },
      },
    ],
    expect: waitingReported("policy-override"),
  },
  {
    name: "newer-plans-than-upload",
    summary: "a speculative plan and a plan-only run on newer configurations exist: the apply still uses the configuration uploaded on merge",
    setup: async (ctx) => {
      const ws = workspaceOf(ctx);
      const speculative = ctx.world.tfc.addConfigurationVersion(ws.id, { speculative: true });
      ctx.world.tfc.addRun(ws.id, { message: "pull request plan", planOnly: true, configurationVersionId: speculative, status: "planned_and_finished", script: [] });
      const branch = ctx.world.tfc.addConfigurationVersion(ws.id, { speculative: false });
      ctx.world.tfc.addRun(ws.id, { message: "plan-only run from a branch", planOnly: true, configurationVersionId: branch, status: "planned_and_finished", script: [] });
    },
    expect: (r, ctx) => {
      const p = wholeLifecycle(r);
      const ours = [...ctx.world.tfc.runs.values()].filter((run) => run.message.includes("[flashcrowd:"));
      check(p, ours.length > 0 && ours.every((run) => run.configurationVersionId === ctx.world.uploadedConfigurationVersion), `lifecycle runs used ${ours.map((x) => x.configurationVersionId).join(", ")}, not ${ctx.world.uploadedConfigurationVersion}`);
      return p;
    },
  },
  {
    name: "api-faults",
    summary: "429 with Retry-After, 503, a dropped connection after the run was created, an AWS throttle: exactly one run each, and the lifecycle completes",
    setup: ({ world }) => {
      world.tfc.fail("POST", /^\/api\/v2\/runs$/, { drop: "after" });
      world.tfc.fail("GET", /^\/api\/v2\/runs\//, { status: 429, headers: { "Retry-After": "2" } });
      world.tfc.fail("GET", /^\/api\/v2\/organizations\//, { status: 503 });
      world.aws.failNext("DescribeReplicationTasksCommand", new FakeServiceError("ThrottlingException", "Rate exceeded"));
      world.aws.failNext("GetQueueAttributesCommand", new FakeServiceError("ServiceUnavailable", "Service unavailable", 503));
    },
    expect: wholeLifecycle,
  },
  {
    name: "post-apply-retry",
    summary: "the database is still settling and the application's tables do not exist yet: the post-apply step and the key-block check retry, then succeed",
    setup: ({ world }) => {
      world.clusterSettlesAfterMs = 90_000;
    },
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.timeline.some((l) => /RunPostApplyStep: retry/.test(l)), "the post-apply step was not retried");
      check(p, r.timeline.some((l) => /CheckKeyBlock: retry/.test(l)), "the key-block check was not retried while the tables were missing");
      return p;
    },
  },
  {
    name: "edge-not-ready",
    summary: "the edge serves the static page for the first minutes: the smoke check retries until the event origin answers",
    setup: ({ world }) => {
      world.edgeDelayMs = 8 * MIN;
    },
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.timeline.some((l) => /SmokeCheck: retry/.test(l)), "the smoke check was not retried");
      return p;
    },
  },
  {
    name: "duplicate-delivery",
    summary: "Scheduler delivers each schedule twice (during and after the execution): one execution, one run each, no false alert",
    duplicateDelivery: true,
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.executions.length === 2, `${r.executions.length} executions ran, expected 2`);
      check(p, r.refusedStarts === 2, `${r.refusedStarts} late duplicates refused, expected 2`);
      check(p, r.alerts.length === 0, `alerts were sent: ${r.alerts.join(" | ")}`);
      return p;
    },
  },
  {
    name: "row-changed-in-prod",
    summary: "an event order is changed in prod after replication: the reconciliation names it, teardown alerts, retries and gives up without destroying",
    hooks: (ctx) => [{ at: ctx.downAt - 30 * MIN, what: "a script changes an event order in prod", run: changeEventRowInProd }],
    setup: (ctx) => {
      workspaceOf(ctx).autoDestroyAt = new Date(ctx.downAt + 6 * 60 * MIN).toISOString();
    },
    expect: (r, ctx) => {
      const p = notDestroyed(r, /different/);
      const at = workspaceOf(ctx).autoDestroyAt;
      check(p, !!at && Date.parse(at) > ctx.clock.now(), `the workspace's auto-destroy (${at ?? "none"}) was not kept after the last check`);
      return p;
    },
  },
  {
    name: "row-missing-in-prod",
    summary: "an event order is deleted from prod: the reconciliation names the missing key and nothing is destroyed",
    hooks: (ctx) => [{ at: ctx.downAt - 30 * MIN, what: "a script deletes an event order in prod", run: () => ctx.world.sql("prod", "DELETE FROM shop.orders WHERE id = ?", [ctx.event.keyBlock.first + 3]) }],
    expect: (r) => notDestroyed(r, /missing-in-target/),
  },
  {
    name: "late-write-after-quiesce",
    summary: "something writes to the event database after the quiesce: the check names the missing key and waits; the next round carries the row to prod, verifies and destroys",
    hooks: (ctx) => [
      {
        at: ctx.downAt + 2 * MIN,
        what: "an operator writes one more order straight into the event database",
        run: (c) => c.world.writeOrder(c.clock.now(), "late-operator"),
      },
    ],
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.timeline.some((l) => /Reconcile: -> .*missing-in-target/.test(l)), "the first check did not name the late row as missing in prod");
      check(p, r.slack.some((s) => s.includes("not verified")), "the failed check was not reported");
      return p;
    },
  },
  {
    name: "dead-letter-order",
    summary: "an order sits in the dead-letter queue: teardown waits and says how to redrive it; after the redrive the worker writes it and teardown completes",
    hooks: (ctx) => [
      {
        at: ctx.downAt - 3 * 60 * MIN,
        what: "an order the worker could not write lands in the dead-letter queue",
        run: ({ world }) => void [...world.aws.queues.values()].find((q) => q.name.endsWith("-orders-dlq"))!.messages.push({ customer: "dead-letter" }),
      },
      {
        at: ctx.downAt + 40 * MIN,
        what: "a person redrives the dead-letter queue to the order queue",
        run: ({ world }) => {
          const dlq = [...world.aws.queues.values()].find((q) => q.name.endsWith("-orders-dlq"))!;
          const queue = [...world.aws.queues.values()].find((q) => q.name.endsWith("-orders"))!;
          queue.messages.push(...dlq.messages.splice(0));
        },
      },
    ],
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.slack.some((s) => s.includes("dead-letter queue") && s.includes("redrive")), "no message said how to redrive the dead-letter queue");
      return p;
    },
  },
  {
    name: "key-collision",
    summary: "prod already holds a key of the event's block: the spin-up stops before DMS starts, naming table, block and fix",
    skipTeardown: true,
    setup: (ctx) =>
      void ctx.world.sql("prod", "INSERT INTO shop.orders (id, customer, total, status, created_at) VALUES (?, 'stray', 1, 'paid', NOW())", [ctx.event.keyBlock.first + 5]),
    expect: (r, ctx) => {
      const p: string[] = [];
      check(p, statusOf(r, 0) === "FAILED", `spin-up ended ${statusOf(r, 0)}`);
      check(p, r.alerts.some((a) => /failed at CheckKeyBlock/.test(a)), `no CheckKeyBlock alert: ${r.alerts.join(" | ")}`);
      check(p, r.slack.some((s) => s.includes("KeyBlockCollision") && s.includes("shop.orders") && s.includes(String(ctx.event.keyBlock.first))), "the alert does not name the table and the block");
      check(p, [...ctx.world.aws.tasks.values()].every((t) => !t.startedOnce), "the DMS task was started");
      return p;
    },
  },
  {
    name: "unverified-auto-destroy",
    summary: "the workspace's auto-destroy fires before teardown: the destroy fails at the protected database and loses nothing; the verified teardown then completes",
    hooks: (ctx) => [
      {
        at: ctx.downAt - 2 * 60 * MIN,
        what: "Terraform Cloud's auto-destroy starts a destroy run",
        run: async ({ world, note }) => {
          const ws = workspaceOf(ctx);
          const run = world.tfc.addRun(ws.id, { message: "Auto-destroy", isDestroy: true, autoApply: true });
          const client = world.tfcClient();
          let status = run.status;
          for (let i = 0; i < 20 && !["applied", "errored"].includes(status); i++) status = (await client.run(run.id)).status;
          note(`auto-destroy run ${run.id} ended ${status}${run.errorMessage ? `: ${run.errorMessage}` : ""}`);
        },
      },
    ],
    expect: (r, ctx) => {
      const p = wholeLifecycle({ ...r, destroyRuns: r.destroyRuns - 1 });
      const auto = [...ctx.world.tfc.runs.values()].find((x) => x.message === "Auto-destroy");
      check(p, auto?.status === "errored" && /protected/.test(auto.errorMessage ?? ""), `the auto-destroy run ended ${auto?.status ?? "missing"}, expected errored at the protected cluster`);
      return p;
    },
  },
  {
    name: "closes-moved-after-spin-up",
    summary: "the sale is extended by two hours after the spin-up: the new teardown schedule replaces the old one, the snapshot names stay, the teardown at the new time completes",
    calendarEdit: (calendar) => {
      for (const e of calendar) e.closes = twoHoursLater(e.closes);
    },
    expect: (r, ctx) => {
      const p = wholeLifecycle(r);
      const down = r.executions[1];
      check(p, !!down && down.startedAt === ctx.downAt + 2 * 60 * MIN, `the teardown started at ${down ? new Date(down.startedAt).toISOString() : "never"}, not two hours after the original time`);
      check(p, r.refusedStarts === 0, "a schedule of the old calendar fired");
      return p;
    },
  },
  {
    name: "fixed-and-rerun",
    summary: "verification fails on a changed row; a person fixes the row and verification passes at the next check; then it destroys",
    hooks: (ctx) => [
      { at: ctx.downAt - 30 * MIN, what: "a script changes an event order in prod", run: changeEventRowInProd },
      {
        at: ctx.downAt + 50 * MIN,
        what: "a person restores the row from the event database",
        run: ({ world, event }) => world.sql("prod", "UPDATE shop.orders SET total = total - 1 WHERE id = ?", [event.keyBlock.first + 2]),
      },
    ],
    expect: (r) => {
      const p = wholeLifecycle(r);
      check(p, r.slack.some((s) => s.includes("not verified")), "the failed check was not reported");
      return p;
    },
  },
];

/** Two hours later, in the calendar's own notation (local time without offset, or with one). */
function twoHoursLater(closes: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(.*)$/.exec(closes);
  if (!m) throw new Error(`closes ${closes} is not an ISO local time`);
  const shifted = new Date(`${m[1]}:00Z`);
  shifted.setUTCHours(shifted.getUTCHours() + 2);
  return `${shifted.toISOString().slice(0, 16)}${m[2] ?? ""}${m[3] ?? ""}`;
}

export function scenarioNamed(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}"; --list shows them: ${SCENARIOS.map((x) => x.name).join(", ")}`);
  return s;
}
