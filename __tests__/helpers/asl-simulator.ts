/**
 * Runs an Amazon States Language definition (JSONata query language) in-process, with fake task
 * results, so tests can drive the lifecycle through whole executions. Covers what the lifecycle
 * uses: Pass, Task (Arguments, Assign, Retry, Catch), Choice, Wait (not waited), Succeed, Fail.
 * Expressions are evaluated with the jsonata package, as Step Functions does.
 */
import jsonata from "jsonata";

export type AslStateJson = Record<string, unknown> & { Type: string };
export interface AslJson {
  StartAt: string;
  States: Record<string, AslStateJson>;
}

/** Thrown by a fake task to fail it with an error name, like a Lambda function error. */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    readonly causeText = "",
  ) {
    super(`${error}: ${causeText}`);
  }
}

export interface TaskCall {
  readonly state: string;
  readonly functionName: unknown;
  readonly payload: Record<string, unknown>;
}

export type FakeTasks = (call: TaskCall) => unknown;

export interface Execution {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly error?: string;
  /** States entered, in order. */
  readonly path: string[];
  readonly calls: TaskCall[];
  readonly variables: Record<string, unknown>;
}

async function evaluate(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof value === "string") {
    const m = /^\{%([\s\S]*)%\}$/.exec(value.trim());
    return m ? jsonata(m[1]!).evaluate({}, bindings) : value;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, bindings)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const evaluated = await evaluate(v, bindings);
      if (evaluated !== undefined) out[k] = evaluated;
    }
    return out;
  }
  return value;
}

export async function simulate(definition: AslJson, input: unknown, tasks: FakeTasks, maxSteps = 2_000): Promise<Execution> {
  const variables: Record<string, unknown> = {};
  const path: string[] = [];
  const calls: TaskCall[] = [];
  const bind = (states: Record<string, unknown>) => ({ ...variables, states: { input, ...states } });
  const assign = async (spec: unknown, states: Record<string, unknown>) => {
    if (!spec) return;
    const values = (await evaluate(spec, bind(states))) as Record<string, unknown>;
    Object.assign(variables, values);
  };

  let name = definition.StartAt;
  for (let step = 0; step < maxSteps; step++) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state "${name}"`);
    path.push(name);
    switch (state.Type) {
      case "Pass":
        await assign(state.Assign, {});
        name = state.Next as string;
        break;
      case "Wait":
        name = state.Next as string;
        break;
      case "Succeed":
        return { status: "SUCCEEDED", path, calls, variables };
      case "Fail":
        return { status: "FAILED", error: state.Error as string, path, calls, variables };
      case "Choice": {
        let next = state.Default as string | undefined;
        for (const rule of state.Choices as { Condition: string; Next: string }[]) {
          if ((await evaluate(rule.Condition, bind({}))) === true) {
            next = rule.Next;
            break;
          }
        }
        if (!next) throw new Error(`${name}: no choice matched and no Default`);
        name = next;
        break;
      }
      case "Task": {
        const args = (await evaluate(state.Arguments, bind({}))) as { FunctionName: unknown; Payload: Record<string, unknown> };
        const retries = new Map<number, number>();
        let outcome: { result: unknown } | { error: TaskError };
        for (;;) {
          const call = { state: name, functionName: args.FunctionName, payload: args.Payload };
          calls.push(call);
          try {
            outcome = { result: { Payload: await tasks(call) } };
            break;
          } catch (e) {
            const error = e instanceof TaskError ? e : new TaskError("Error", String(e));
            const retry = ((state.Retry ?? []) as { ErrorEquals: string[]; MaxAttempts?: number }[]).findIndex(
              (r) => r.ErrorEquals.includes(error.error) || r.ErrorEquals.includes("States.ALL"),
            );
            const max = retry >= 0 ? ((state.Retry as { MaxAttempts?: number }[])[retry]!.MaxAttempts ?? 3) : 0;
            const used = retries.get(retry) ?? 0;
            if (retry >= 0 && used < max) {
              retries.set(retry, used + 1);
              continue;
            }
            outcome = { error };
            break;
          }
        }
        if ("result" in outcome) {
          await assign(state.Assign, { result: outcome.result });
          name = state.Next as string;
          break;
        }
        const err = outcome.error;
        const catcher = ((state.Catch ?? []) as { ErrorEquals: string[]; Next: string; Assign?: unknown }[]).find(
          (c) => c.ErrorEquals.includes(err.error) || c.ErrorEquals.includes("States.ALL"),
        );
        if (!catcher) return { status: "FAILED", error: err.error, path, calls, variables };
        await assign(catcher.Assign, { errorOutput: { Error: err.error, Cause: err.causeText } });
        name = catcher.Next;
        break;
      }
      default:
        throw new Error(`${name}: state type ${state.Type} is not simulated`);
    }
  }
  throw new Error(`execution did not end within ${maxSteps} steps`);
}
