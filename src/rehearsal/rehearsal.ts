/**
 * `flashcrowd rehearse`: one event's whole lifecycle, offline, in seconds. EventBridge Scheduler
 * delivers the synthesized schedules (StartExecution with their names and inputs) to a Step
 * Functions stand-in that refuses a second execution of a name; the synthesized state machine
 * runs on a simulated clock; every Task invokes the real handler code with the payload the state
 * computed; the handlers talk to the Terraform Cloud fake over HTTP, to the AWS fakes through the
 * real SDK clients, and to two real MariaDB servers.
 */
import { DateTime } from "luxon";
import { runExecution, SimulatedClock, type ExecutionResult, type HistoryEvent } from "./asl-runner";
import type { MariadbServer } from "./mariadb";
import type { Scenario, ScenarioContext } from "./scenarios";
import type { RehearsalEvent, RehearsalReport } from "./types";
import { World, controlArtefacts } from "./world";

export interface RehearsalOptions {
  readonly synthDir: string;
  /** The synthesis of the scenario's edited calendar, whose control stack replaces the first after the spin-up. */
  readonly editedSynthDir?: string;
  readonly event: RehearsalEvent;
  readonly region: string;
  readonly account: string;
  readonly organization: string;
  /** `events.platform.syncTo`: the stack whose database receives the event's data. */
  readonly syncTo: string;
  readonly servers: { readonly event: MariadbServer; readonly prod: MariadbServer };
  readonly scenario: Scenario;
  /** Receives each timeline line as it happens. */
  readonly print?: (line: string) => void;
}


/** Parses `at(yyyy-mm-ddThh:mm:ss)` in `zone` to epoch milliseconds. */
export function scheduleTime(expression: string, zone: string): number {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!m) throw new Error(`schedule expression ${expression} is not a one-time at(...) expression`);
  const t = DateTime.fromISO(m[1]!, { zone });
  if (!t.isValid) throw new Error(`schedule expression ${expression} is not a time in ${zone}`);
  return t.toMillis();
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const started = Date.now();
  const { event, scenario } = options;
  const timeline: string[] = [];
  const firstUp = controlArtefacts(options.synthDir, event.slug, options.region, options.account).schedules.find((s) => s.action === "up");
  const clock = new SimulatedClock(firstUp ? scheduleTime(firstUp.expression, firstUp.timezone) - 60 * 60_000 : 0);
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone: event.zone }).toFormat("yyyy-LL-dd HH:mm:ss ZZZZ");
  const note = (line: string) => {
    const text = `${fmt(clock.now())}  ${line}`;
    timeline.push(text);
    options.print?.(text);
  };
  const world = await World.create({
    synthDir: options.synthDir,
    slug: event.slug,
    region: options.region,
    account: options.account,
    organization: options.organization,
    syncTo: options.syncTo,
    clock,
    event: options.servers.event,
    prod: options.servers.prod,
    opensAt: event.opensAt,
    closesAt: event.closesAt,
    traffic: { ordersPerStep: 6, queuedPerStep: 2, ...scenario.traffic },
    prodRows: 1000,
    note,
  });
  try {
    const schedules = world.control.schedules;
    const up = schedules.find((s) => s.action === "up");
    const down = schedules.find((s) => s.action === "down");
    if (!up || !down) throw new Error(`the control stack schedules ${schedules.map((s) => s.action).join(", ") || "nothing"} for ${event.slug}; a rehearsal needs both up and down`);
    for (const s of schedules) {
      if (s.target !== "arn:aws:scheduler:::aws-sdk:sfn:startExecution") throw new Error(`schedule ${s.params.Name} targets ${s.target}, not StartExecution with a name`);
    }
    const upAt = scheduleTime(up.expression, up.timezone);
    const downAt = scheduleTime(down.expression, down.timezone);
    clock.set(upAt - 60_000);

    // Step Functions' StartExecution: a name is used once; the same name and input while it runs is the same execution.
    const executions = new Map<string, { input: string; result?: ExecutionResult }>();
    let refusedStarts = 0;
    const results: ExecutionResult[] = [];
    const ctx: ScenarioContext = { world, clock, event, note, upAt, downAt };
    const hooks = [...(scenario.hooks?.(ctx) ?? [])].sort((a, b) => a.at - b.at);
    const fireHooks = async () => {
      while (hooks.length > 0 && hooks[0]!.at <= clock.now()) {
        const hook = hooks.shift()!;
        note(`scenario: ${hook.what}`);
        await hook.run(ctx);
      }
    };
    const startExecution = async (params: { StateMachineArn: string; Name: string; Input: string }, delivery: string): Promise<void> => {
      const existing = executions.get(params.Name);
      if (existing) {
        if (!existing.result && existing.input === params.Input) {
          note(`Scheduler (${delivery}): StartExecution ${params.Name} -> the running execution (same name and input): nothing new`);
          return;
        }
        refusedStarts += 1;
        note(`Scheduler (${delivery}): StartExecution ${params.Name} -> ExecutionAlreadyExists: nothing new starts`);
        return;
      }
      if (params.StateMachineArn !== world.control.stateMachineArn) throw new Error(`schedule targets ${params.StateMachineArn}, not the lifecycle state machine`);
      const record: { input: string; result?: ExecutionResult } = { input: params.Input };
      executions.set(params.Name, record);
      note(`Scheduler (${delivery}): StartExecution ${params.Name}`);
      if (scenario.duplicateDelivery) await startExecution(params, "duplicate delivery while it runs");
      const result = await runExecution({
        definition: world.control.definition,
        stateMachineArn: params.StateMachineArn,
        executionName: params.Name,
        input: JSON.parse(params.Input) as unknown,
        clock,
        random: () => 0.5,
        invoke: async (call) => {
          await fireHooks();
          return world.invoke(call.functionName, call.payload);
        },
        onEvent: (e) => describe(e, note),
      });
      record.result = result;
      results.push(result);
      note(`execution ${params.Name}: ${result.status}${result.error ? ` (${result.error}: ${truncate(result.cause ?? "", 300)})` : ""}`);
    };

    await scenario.setup?.(ctx);
    clock.set(Math.max(clock.now(), upAt));
    await fireHooks();
    await startExecution(up.params, "at spin-up time");
    if (scenario.duplicateDelivery) await startExecution(up.params, "late duplicate delivery");

    // A calendar edit merged during the sale: the deploy replaces the control stack's schedules.
    let downSchedule = down;
    let teardownAt = downAt;
    if (options.editedSynthDir) {
      const edited = controlArtefacts(options.editedSynthDir, event.slug, options.region, options.account);
      const newDown = edited.schedules.find((s) => s.action === "down");
      if (!newDown) throw new Error("the edited calendar has no teardown schedule for the event");
      if (edited.schedules.some((s) => s.action === "up")) note("deploy of the calendar edit: the spin-up schedule is in the past and is not created again");
      downSchedule = newDown;
      teardownAt = scheduleTime(newDown.expression, newDown.timezone);
      note(`deploy of the calendar edit: teardown schedule ${down.params.Name} replaced by ${newDown.params.Name}`);
      const oldEvent = (JSON.parse(down.params.Input) as { event: Record<string, unknown> }).event;
      const newEvent = (JSON.parse(newDown.params.Input) as { event: Record<string, unknown> }).event;
      for (const field of ["finalSnapshotId", "verifiedSnapshotId", "auroraClusterId", "dmsTaskId", "workspace"]) {
        if (oldEvent[field] !== newEvent[field]) throw new Error(`the calendar edit renamed ${field} from ${String(oldEvent[field])} to ${String(newEvent[field])}`);
      }
    }

    // The sale: traffic, the worker and DMS, until the teardown schedule fires.
    const steps = Math.max(0, Math.ceil((teardownAt - clock.now()) / (60 * 60_000)));
    for (let i = 0; i < steps && clock.now() < teardownAt; i++) {
      clock.set(Math.min(teardownAt, clock.now() + 60 * 60_000));
      await world.advance();
      await fireHooks();
    }
    clock.set(Math.max(clock.now(), teardownAt));
    await world.advance();
    await fireHooks();
    if (!scenario.skipTeardown) {
      await startExecution(downSchedule.params, "at teardown time");
      if (scenario.duplicateDelivery) await startExecution(downSchedule.params, "late duplicate delivery");
    }
    // Whatever the scenario still has to do (a person's fix, a late safety-net destroy).
    for (let i = 0; i < 200 && hooks.length > 0; i++) {
      clock.set(Math.max(clock.now(), hooks[0]!.at));
      await world.advance();
      await fireHooks();
      if (scenario.rerunTeardownAfterHooks && hooks.length === 0) {
        await startExecution({ ...downSchedule.params, Name: `${downSchedule.params.Name}-rerun` }, "a person re-runs the teardown");
      }
    }
    const counts = await world.counts(event.keyBlock);
    const runs = [...world.tfc.runs.values()];
    const report: RehearsalReport = {
      scenario: scenario.name,
      executions: results,
      refusedStarts,
      ordersWritten: world.ordersWritten,
      eventRows: counts.event,
      prodRows: counts.prod,
      ordersLostWithQueues: world.ordersLostWithQueues,
      destroyed: world.everApplied && !world.eventUp,
      applyRuns: runs.filter((r) => !r.isDestroy && !r.planOnly && r.message.includes("[flashcrowd:")).length,
      destroyRuns: runs.filter((r) => r.isDestroy).length,
      slack: world.slack.map((s) => s.text),
      alerts: world.aws.published.map((p) => p.subject ?? p.message),
      timeline,
      problems: [],
      wallMs: 0,
    };
    const problems = [...dataPromise(report), ...scenario.expect(report, ctx)];
    return { ...report, problems, wallMs: Date.now() - started };
  } finally {
    await world.close();
  }
}

/** The product's promise, checked in every scenario: nothing destroyed unless every event order is in prod. */
export function dataPromise(r: Pick<RehearsalReport, "destroyed" | "eventRows" | "prodRows" | "ordersWritten" | "ordersLostWithQueues">): string[] {
  const problems: string[] = [];
  if (r.destroyed && r.prodRows !== r.ordersWritten) problems.push(`destroyed with ${r.prodRows} event orders in prod of ${r.ordersWritten} written`);
  if (r.ordersLostWithQueues > 0) problems.push(`${r.ordersLostWithQueues} orders were destroyed with their queue`);
  return problems;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function describe(e: HistoryEvent, note: (line: string) => void): void {
  const d = e.detail ?? {};
  switch (e.type) {
    case "TaskScheduled":
      note(`${e.state}: invoke ${String(d.functionName).split(":").pop()} ${truncate(JSON.stringify(d.payload), 160)}`);
      break;
    case "TaskSucceeded":
      note(`${e.state}: -> ${truncate(JSON.stringify(d.payload), 220)}`);
      break;
    case "TaskFailed":
      note(`${e.state}: !! ${String(d.error)}: ${truncate(String(d.cause), 220)}`);
      break;
    case "TaskRetry":
      note(`${e.state}: retry ${String(d.attempt)} in ${String(d.delaySeconds)} s (${String(d.error)})`);
      break;
    case "CaughtError":
      note(`${e.state}: caught ${String(d.error)} -> ${String(d.next)}`);
      break;
    case "WaitStarted":
      break;
    default:
      break;
  }
}
