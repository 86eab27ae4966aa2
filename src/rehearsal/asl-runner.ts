/**
 * Runs an Amazon States Language definition written in the JSONata query language, on a simulated
 * clock, for the lifecycle rehearsal and its tests.
 *
 * Written here because no runner on npm evaluates JSONata state machines: aws-local-stepfunctions
 * 3.0 (the only version) evaluates neither `Assign`/`Arguments`/`Output` nor Choice `Condition`.
 * It follows the semantics AWS documents for what the lifecycle's definition uses:
 * - `{% ... %}` strings are JSONata expressions, evaluated with the `jsonata` package (the
 *   library Step Functions documents) against `$states.input`, `$states.result`,
 *   `$states.errorOutput`, `$states.context` and the execution's variables;
 * - `Assign` and `Output` of a state both see the variables as they were when the state was
 *   entered; the assignments take effect when the state is left;
 * - Task: `Arguments` evaluated once; `lambda:invoke` wraps the function's answer as
 *   `{ Payload, StatusCode, ExecutedVersion }`; a thrown error becomes the function's `errorType`
 *   (its name) with a JSON `Cause`; `Retry` rules are matched in order, each with its own
 *   attempt counter, the delay being `IntervalSeconds * BackoffRate^(n-1)` capped by
 *   `MaxDelaySeconds` (with `JitterStrategy: FULL` a random part of it); `States.ALL` matches any
 *   error except `States.Runtime`; then `Catch` (with its `Assign`/`Output`, `$states.errorOutput`);
 * - Choice `Condition` must evaluate to a boolean; no match and no `Default` fails with
 *   `States.NoChoiceMatched`;
 * - Wait `Seconds` (number or expression) or `Timestamp` advances the simulated clock;
 * - Fail `Error`/`Cause` may be expressions; the execution's `TimeoutSeconds` fails it with
 *   `States.Timeout` once the simulated clock passes it;
 * - state output defaults: Task -> the task result, Pass/Choice/Wait -> the state input.
 *
 * Not modelled (see docs/rehearsal.md): Parallel, Map and Task states other than `lambda:invoke`;
 * JSONPath; heartbeats; a Task's `TimeoutSeconds` (handlers run in simulated zero time);
 * payload size limits other than the 256 KiB state limit; redrive; Express workflows.
 */
import jsonata from "jsonata";

export type AslState = Record<string, unknown> & { readonly Type: string };
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly QueryLanguage?: string;
  readonly TimeoutSeconds?: number;
}

/** The simulated clock: waits and retry delays move it, handlers and fakes read it. */
export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export class SimulatedClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    if (ms < 0) throw new Error("the clock does not go back");
    this.current += ms;
  }
  set(to: number): void {
    if (to < this.current) throw new Error(`the clock does not go back (${new Date(to).toISOString()} < ${new Date(this.current).toISOString()})`);
    this.current = to;
  }
}

/** An error a Task's function raised: its `errorType` is the name Step Functions matches on. */
export class TaskFailure extends Error {
  constructor(
    readonly errorType: string,
    readonly causeText: string,
  ) {
    super(`${errorType}: ${causeText}`);
  }
}

/** One line of the execution's history, for the timeline. */
export interface HistoryEvent {
  readonly at: number;
  readonly state: string;
  readonly type:
    | "StateEntered"
    | "TaskScheduled"
    | "TaskSucceeded"
    | "TaskFailed"
    | "TaskRetry"
    | "CaughtError"
    | "ChoiceMade"
    | "WaitStarted"
    | "ExecutionSucceeded"
    | "ExecutionFailed";
  readonly detail?: Record<string, unknown>;
}

export interface TaskInvocation {
  readonly state: string;
  readonly resource: string;
  readonly functionName: string;
  readonly payload: unknown;
  readonly context: ExecutionContext;
}

/** Invokes a Task's function: returns its answer, or throws a {@link TaskFailure}. */
export type TaskInvoker = (invocation: TaskInvocation) => Promise<unknown>;

export interface ExecutionContext {
  readonly Execution: { readonly Id: string; readonly Name: string; readonly StartTime: string; readonly Input: unknown };
  readonly StateMachine: { readonly Id: string; readonly Name: string };
  readonly State: { readonly Name: string; readonly EnteredTime: string; readonly RetryCount: number };
}

export interface ExecutionResult {
  readonly name: string;
  readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  readonly error?: string;
  readonly cause?: string;
  readonly output?: unknown;
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly history: readonly HistoryEvent[];
  /** Variables at the end, for inspection. */
  readonly variables: Readonly<Record<string, unknown>>;
}

export interface RunOptions {
  readonly definition: AslDefinition;
  readonly stateMachineArn: string;
  readonly executionName: string;
  readonly input: unknown;
  readonly clock: Clock;
  readonly invoke: TaskInvoker;
  /** Random numbers for `JitterStrategy: FULL`. @default Math.random */
  readonly random?: () => number;
  /** Called for each history event as it happens (for a live timeline). */
  readonly onEvent?: (event: HistoryEvent) => void;
  /** Guards against a definition that loops forever without waiting. @default 10000 */
  readonly maxTransitions?: number;
}

/** The 256 KiB limit of a state's input, output and the task payload. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

interface RetryRule {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: "FULL" | "NONE";
}
interface CatchRule {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly Assign?: unknown;
  readonly Output?: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString();

function matches(rule: { ErrorEquals: readonly string[] }, error: string): boolean {
  if (rule.ErrorEquals.includes(error)) return true;
  // States.ALL matches every error but the terminal ones, which no retrier or catcher can handle.
  if (rule.ErrorEquals.includes("States.ALL")) return error !== "States.Runtime" && error !== "States.DataLimitExceeded";
  // States.TaskFailed matches any error of a Task except States.Timeout.
  if (rule.ErrorEquals.includes("States.TaskFailed")) return error !== "States.Timeout" && !error.startsWith("States.Runtime");
  return false;
}

/** A definition that cannot run at all (a missing state, an unsupported type): not catchable. */
class RuntimeError extends Error {}

/**
 * A JSONata expression that failed, gave no result where a value is needed, or gave the wrong
 * type: `States.QueryEvaluationError`, which Retry and Catch (and `States.ALL`) can handle.
 */
class QueryEvaluationError extends Error {}

/**
 * Evaluates a field of a definition: `{% ... %}` strings as JSONata with `bindings` as variables
 * (`states` for `$states`), objects and arrays field by field; fields without a result are left out.
 */
export async function evaluate(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof value === "string") {
    const m = /^\{%([\s\S]*)%\}$/.exec(value.trim());
    if (!m) return value;
    let result: unknown;
    try {
      result = await jsonata(m[1]!).evaluate({}, bindings);
    } catch (error) {
      throw new QueryEvaluationError(`expression ${value} failed: ${(error as Error).message}`);
    }
    // Step Functions refuses an expression that returns nothing (undefined) where a value is needed.
    if (result === undefined) throw new QueryEvaluationError(`expression ${value} returned nothing (undefined)`);
    return result;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, bindings)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const evaluated = await evaluate(v, bindings);
      // Only a JSONata object constructor can leave a key out; a field's own expression cannot.
      if (evaluated !== undefined) out[k] = evaluated;
    }
    return out;
  }
  return value;
}

/** JSON round trip, as every value crossing a state boundary is JSON in Step Functions. */
function asJson(value: unknown, what: string): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw new TaskFailure("States.DataLimitExceeded", `${what} is over 256 KiB`);
  return JSON.parse(text) as unknown;
}

export async function runExecution(options: RunOptions): Promise<ExecutionResult> {
  const { definition, clock } = options;
  if (definition.QueryLanguage !== "JSONata") throw new Error("only JSONata state machines are supported (QueryLanguage: JSONata)");
  const random = options.random ?? Math.random;
  const history: HistoryEvent[] = [];
  const record = (event: HistoryEvent) => {
    history.push(event);
    options.onEvent?.(event);
  };
  const startedAt = clock.now();
  const deadline = definition.TimeoutSeconds ? startedAt + definition.TimeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
  const smName = options.stateMachineArn.split(":").pop() ?? "";
  const input = asJson(options.input, "execution input");
  const variables: Record<string, unknown> = {};
  const base = {
    Execution: { Id: `${options.stateMachineArn.replace(":stateMachine:", ":execution:")}:${options.executionName}`, Name: options.executionName, StartTime: iso(startedAt), Input: input },
    StateMachine: { Id: options.stateMachineArn, Name: smName },
  };
  const finish = (status: ExecutionResult["status"], extra: Partial<ExecutionResult>): ExecutionResult => {
    record({ at: clock.now(), state: "", type: status === "SUCCEEDED" ? "ExecutionSucceeded" : "ExecutionFailed", detail: { error: extra.error, cause: extra.cause } });
    return { name: options.executionName, status, startedAt, stoppedAt: clock.now(), history, variables: { ...variables }, ...extra };
  };

  let name = definition.StartAt;
  let stateInput: unknown = input;
  const maxTransitions = options.maxTransitions ?? 10_000;
  for (let transition = 0; transition < maxTransitions; transition++) {
    if (clock.now() > deadline) return finish("TIMED_OUT", { error: "States.Timeout", cause: `execution ran past its TimeoutSeconds (${definition.TimeoutSeconds})` });
    const state = definition.States[name];
    if (!state) return finish("FAILED", { error: "States.Runtime", cause: `no state named "${name}"` });
    const enteredAt = clock.now();
    record({ at: enteredAt, state: name, type: "StateEntered" });
    const context = (retryCount: number): ExecutionContext => ({ ...base, State: { Name: name, EnteredTime: iso(enteredAt), RetryCount: retryCount } });
    const bind = (states: Record<string, unknown>, retryCount = 0) => ({ ...variables, states: { input: stateInput, context: context(retryCount), ...states } });
    /** Evaluates Assign and Output against the same (old) variables, then applies Assign. */
    const leave = async (spec: Record<string, unknown>, states: Record<string, unknown>, defaultOutput: unknown): Promise<unknown> => {
      const bindings = bind(states);
      const assigned = spec.Assign === undefined ? undefined : await evaluate(spec.Assign, bindings);
      const output = spec.Output === undefined ? defaultOutput : await evaluate(spec.Output, bindings);
      if (assigned !== undefined) {
        if (assigned === null || typeof assigned !== "object" || Array.isArray(assigned)) throw new RuntimeError(`${name}: Assign must be an object`);
        Object.assign(variables, asJson(assigned, `${name} Assign`));
      }
      return asJson(output, `${name} output`);
    };

    try {
      switch (state.Type) {
        case "Pass": {
          stateInput = await leave(state, {}, stateInput);
          name = state.Next as string;
          if (state.End === true) return finish("SUCCEEDED", { output: stateInput });
          break;
        }
        case "Wait": {
          const bindings = bind({});
          let until: number;
          if (state.Seconds !== undefined) {
            const seconds = await evaluate(state.Seconds, bindings);
            if (typeof seconds !== "number" || seconds < 0) throw new QueryEvaluationError(`${name}: Seconds must be a non-negative number, got ${JSON.stringify(seconds)}`);
            until = clock.now() + seconds * 1000;
          } else if (state.Timestamp !== undefined) {
            const ts = await evaluate(state.Timestamp, bindings);
            const parsed = typeof ts === "string" ? Date.parse(ts) : Number.NaN;
            if (Number.isNaN(parsed)) throw new QueryEvaluationError(`${name}: Timestamp must be an ISO-8601 time, got ${JSON.stringify(ts)}`);
            until = Math.max(clock.now(), parsed);
          } else {
            throw new RuntimeError(`${name}: a Wait needs Seconds or Timestamp`);
          }
          record({ at: clock.now(), state: name, type: "WaitStarted", detail: { until: iso(until) } });
          if (until > deadline) {
            clock.advance(deadline - clock.now() + 1);
            return finish("TIMED_OUT", { error: "States.Timeout", cause: `execution ran past its TimeoutSeconds (${definition.TimeoutSeconds})` });
          }
          clock.advance(until - clock.now());
          stateInput = await leave(state, {}, stateInput);
          if (state.End === true) return finish("SUCCEEDED", { output: stateInput });
          name = state.Next as string;
          break;
        }
        case "Choice": {
          let next: string | undefined;
          for (const rule of (state.Choices ?? []) as { Condition: string; Next: string }[]) {
            const result = await evaluate(rule.Condition, bind({}));
            if (typeof result !== "boolean") throw new QueryEvaluationError(`${name}: Condition ${rule.Condition} gave ${JSON.stringify(result)}, not a boolean`);
            if (result) {
              next = rule.Next;
              break;
            }
          }
          next ??= state.Default as string | undefined;
          if (!next) return finish("FAILED", { error: "States.NoChoiceMatched", cause: `${name}: no Choice rule matched and there is no Default` });
          record({ at: clock.now(), state: name, type: "ChoiceMade", detail: { next } });
          stateInput = await leave(state, {}, stateInput);
          name = next;
          break;
        }
        case "Succeed": {
          const output = state.Output === undefined ? stateInput : await evaluate(state.Output, bind({}));
          return finish("SUCCEEDED", { output });
        }
        case "Fail": {
          const error = String((await evaluate(state.Error, bind({}))) ?? "");
          const cause = String((await evaluate(state.Cause, bind({}))) ?? "");
          return finish("FAILED", { error, cause });
        }
        case "Task": {
          const outcome = await runTask(name, state, { bind, clock, invoke: options.invoke, random, record, context, deadline });
          if ("timedOut" in outcome) return finish("TIMED_OUT", { error: "States.Timeout", cause: `execution ran past its TimeoutSeconds (${definition.TimeoutSeconds})` });
          if ("result" in outcome) {
            stateInput = await leave(state, { result: outcome.result }, outcome.result);
            if (state.End === true) return finish("SUCCEEDED", { output: stateInput });
            name = state.Next as string;
            break;
          }
          const { error, cause } = outcome;
          const catcher = ((state.Catch ?? []) as CatchRule[]).find((c) => matches(c, error));
          if (!catcher) return finish("FAILED", { error, cause });
          const errorOutput = { Error: error, Cause: cause };
          record({ at: clock.now(), state: name, type: "CaughtError", detail: { error, next: catcher.Next } });
          stateInput = await leave(catcher as unknown as Record<string, unknown>, { errorOutput }, errorOutput);
          name = catcher.Next;
          break;
        }
        default:
          return finish("FAILED", { error: "States.Runtime", cause: `${name}: state type ${state.Type} is not supported by the rehearsal's runner` });
      }
    } catch (error) {
      if (error instanceof RuntimeError) return finish("FAILED", { error: "States.Runtime", cause: error.message });
      if (error instanceof QueryEvaluationError) return finish("FAILED", { error: "States.QueryEvaluationError", cause: error.message });
      if (error instanceof TaskFailure) return finish("FAILED", { error: error.errorType, cause: error.causeText });
      throw error;
    }
  }
  return finish("FAILED", { error: "States.Runtime", cause: `more than ${maxTransitions} state transitions: a loop without end?` });
}

interface TaskContext {
  readonly bind: (states: Record<string, unknown>, retryCount?: number) => Record<string, unknown>;
  readonly clock: Clock;
  readonly invoke: TaskInvoker;
  readonly random: () => number;
  readonly record: (event: HistoryEvent) => void;
  readonly context: (retryCount: number) => ExecutionContext;
  readonly deadline: number;
}

async function runTask(
  name: string,
  state: AslState,
  t: TaskContext,
): Promise<{ result: unknown } | { error: string; cause: string } | { timedOut: true }> {
  const resource = String(state.Resource);
  if (resource !== "arn:aws:states:::lambda:invoke") throw new RuntimeError(`${name}: only arn:aws:states:::lambda:invoke Tasks are supported, got ${resource}`);
  const retriers = (state.Retry ?? []) as RetryRule[];
  const attempts = retriers.map(() => 0);
  for (let retryCount = 0; ; retryCount++) {
    let args: { FunctionName?: unknown; Payload?: unknown } | undefined;
    try {
      args = (await evaluate(state.Arguments, t.bind({}, retryCount))) as typeof args;
    } catch (error) {
      if (!(error instanceof QueryEvaluationError)) throw error;
      const failure = { error: "States.QueryEvaluationError", cause: error.message };
      t.record({ at: t.clock.now(), state: name, type: "TaskFailed", detail: failure });
      return failure;
    }
    if (!args || typeof args.FunctionName !== "string" || args.FunctionName === "") {
      throw new RuntimeError(`${name}: Arguments.FunctionName must be a non-empty string, got ${JSON.stringify(args?.FunctionName)}`);
    }
    let payload: unknown;
    try {
      payload = asJson(args.Payload ?? {}, `${name} payload`);
    } catch (error) {
      return { error: (error as TaskFailure).errorType, cause: (error as TaskFailure).causeText };
    }
    t.record({ at: t.clock.now(), state: name, type: "TaskScheduled", detail: { functionName: args.FunctionName, payload } });
    let failure: { error: string; cause: string };
    try {
      const answer = await t.invoke({ state: name, resource, functionName: args.FunctionName, payload, context: t.context(retryCount) });
      const result = { ExecutedVersion: "$LATEST", Payload: asJson(answer, `${name} result`), StatusCode: 200 };
      t.record({ at: t.clock.now(), state: name, type: "TaskSucceeded", detail: { payload: result.Payload } });
      return { result };
    } catch (error) {
      if (error instanceof TaskFailure) failure = { error: error.errorType, cause: error.causeText };
      else throw error;
    }
    t.record({ at: t.clock.now(), state: name, type: "TaskFailed", detail: failure });
    const index = retriers.findIndex((r) => matches(r, failure.error));
    if (index < 0) return failure;
    const rule = retriers[index]!;
    const max = rule.MaxAttempts ?? 3;
    if (attempts[index]! >= max) return failure;
    attempts[index]! += 1;
    const interval = rule.IntervalSeconds ?? 1;
    let delay = interval * Math.pow(rule.BackoffRate ?? 2, attempts[index]! - 1);
    if (rule.MaxDelaySeconds !== undefined) delay = Math.min(delay, rule.MaxDelaySeconds);
    if (rule.JitterStrategy === "FULL") delay = t.random() * delay;
    t.record({ at: t.clock.now(), state: name, type: "TaskRetry", detail: { error: failure.error, attempt: attempts[index], delaySeconds: Math.round(delay * 10) / 10 } });
    if (t.clock.now() + delay * 1000 > t.deadline) {
      t.clock.advance(Math.max(0, t.deadline - t.clock.now()) + 1);
      return { timedOut: true };
    }
    t.clock.advance(Math.round(delay * 1000));
  }
}
