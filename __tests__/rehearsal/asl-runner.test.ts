/**
 * The rehearsal's runner of JSONata state machines, held to the semantics AWS documents for Step
 * Functions (developer guide: "Transforming data with JSONata", "Passing data between states with
 * variables", "Handling errors in Step Functions workflows", the Choice/Wait/Pass/Fail/Succeed state
 * pages, "Call Lambda with Step Functions"; and the Amazon States Language specification). Each
 * test names the documented rule it checks. Time is the simulated clock: retry delays and waits are
 * measured on it, never on the wall clock.
 */
import { describe, expect, it } from "vitest";
import {
  runExecution,
  SimulatedClock,
  TaskFailure,
  type AslDefinition,
  type AslState,
  type ExecutionResult,
  type HistoryEvent,
  type RunOptions,
  type TaskInvocation,
} from "../../src/rehearsal/asl-runner";

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:lifecycle";
const START = Date.parse("2026-12-03T12:00:00.000Z");
const LAMBDA = "arn:aws:states:::lambda:invoke";
const FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:step";

/** A JSONata state machine starting at the first state listed. */
function machine(states: Record<string, AslState>, extra: Partial<AslDefinition> = {}): AslDefinition {
  return { QueryLanguage: "JSONata", StartAt: Object.keys(states)[0]!, States: states, ...extra };
}

/** A lambda:invoke Task handing its input to the function. */
function task(fields: Record<string, unknown> = {}): AslState {
  return { Type: "Task", Resource: LAMBDA, Arguments: { FunctionName: FUNCTION, Payload: "{% $states.input %}" }, End: true, ...fields };
}

const fail = (error: string, cause = `${error} happened`) => new TaskFailure(error, cause);

interface Run {
  readonly result: ExecutionResult;
  readonly calls: readonly { readonly at: number; readonly invocation: TaskInvocation }[];
  readonly events: readonly HistoryEvent[];
}

/**
 * Runs a definition on a clock at START. The function answers `answers` in turn (a TaskFailure is
 * thrown), repeating the last one; each call is recorded with the simulated time it was made at.
 */
async function run(
  definition: AslDefinition,
  options: { input?: unknown; answers?: readonly unknown[] } & Pick<Partial<RunOptions>, "random" | "maxTransitions"> = {},
): Promise<Run> {
  const clock = new SimulatedClock(START);
  const answers = options.answers ?? [{ ok: true }];
  const calls: { at: number; invocation: TaskInvocation }[] = [];
  const events: HistoryEvent[] = [];
  const result = await runExecution({
    definition,
    stateMachineArn: ARN,
    executionName: "event-42-up",
    input: options.input ?? {},
    clock,
    invoke: async (invocation) => {
      calls.push({ at: clock.now(), invocation });
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof TaskFailure) throw answer;
      return answer;
    },
    onEvent: (event) => events.push(event),
    ...(options.random ? { random: options.random } : {}),
    ...(options.maxTransitions !== undefined ? { maxTransitions: options.maxTransitions } : {}),
  });
  return { result, calls, events };
}

/** Seconds between consecutive calls of the function. */
const gapsOf = (calls: Run["calls"]) => calls.slice(1).map((call, i) => (call.at - calls[i]!.at) / 1000);

const typesOf = (history: readonly HistoryEvent[], state?: string) =>
  history.filter((event) => state === undefined || event.state === state).map((event) => event.type);

describe("SimulatedClock", () => {
  it("GIVEN a clock WHEN advanced THEN now() moves by exactly that many milliseconds", () => {
    const clock = new SimulatedClock(START);
    clock.advance(1500);
    expect(clock.now()).toBe(START + 1500);
  });

  it.each([
    ["advanced by a negative amount", (clock: SimulatedClock) => clock.advance(-1)],
    ["set to an earlier time", (clock: SimulatedClock) => clock.set(START - 1)],
  ])("GIVEN a clock WHEN %s THEN it refuses, as time does not go back", (_case, move) => {
    const clock = new SimulatedClock(START);
    expect(() => move(clock)).toThrow(/does not go back/);
    expect(clock.now()).toBe(START);
  });

  it("GIVEN a clock WHEN set to a later time THEN now() is that time", () => {
    const clock = new SimulatedClock(START);
    clock.set(START + 60_000);
    expect(clock.now()).toBe(START + 60_000);
  });
});

describe("definitions the runner refuses", () => {
  // Only JSONata is modelled: `QueryLanguage: "JSONata"` at the top level opts the machine into
  // `{% %}` expressions, Arguments and Output; JSONPath (the default) is a different language.
  it.each([
    ["JSONPath", { QueryLanguage: "JSONPath" }],
    ["no QueryLanguage (JSONPath by default)", { QueryLanguage: undefined }],
  ])("GIVEN a %s definition WHEN run THEN it is refused before anything runs", async (_case, language) => {
    const definition = { ...machine({ Only: { Type: "Succeed" } }), ...language } as AslDefinition;
    await expect(run(definition)).rejects.toThrow(/only JSONata state machines are supported/);
  });

  // The runner models Pass, Task (lambda:invoke), Choice, Wait, Succeed and Fail; anything else must
  // fail loudly instead of being skipped.
  it.each([
    ["a Parallel state", { Only: { Type: "Parallel", Branches: [], End: true } }],
    ["a Map state", { Only: { Type: "Map", Items: "{% [] %}", End: true } }],
    ["a Task on another resource", { Only: task({ Resource: "arn:aws:states:::sqs:sendMessage" }) }],
  ])("GIVEN %s WHEN run THEN the execution fails with States.Runtime and nothing is invoked", async (_case, states) => {
    const { result, calls } = await run(machine(states as Record<string, AslState>));
    expect(result).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    expect(calls).toHaveLength(0);
  });
});

describe("state output", () => {
  // Defaults (JSONata): Pass, Wait and Choice pass their input on; a Task's output is its result
  // ($states.result); Succeed's output is its input. `Output` replaces the default when present.
  it.each([
    ["Pass", { Type: "Pass", Next: "Done" }, { n: 1 }],
    ["Wait", { Type: "Wait", Seconds: 0, Next: "Done" }, { n: 1 }],
    ["Choice", { Type: "Choice", Choices: [{ Condition: "{% true %}", Next: "Done" }] }, { n: 1 }],
    ["Task", task({ End: undefined, Next: "Done" }), { ExecutedVersion: "$LATEST", Payload: { ok: true }, StatusCode: 200 }],
  ])("GIVEN a %s without Output WHEN it runs THEN its output is the documented default", async (_type, state, expected) => {
    const { result } = await run(machine({ Tested: state as AslState, Done: { Type: "Succeed" } }), { input: { n: 1 } });
    expect(result).toMatchObject({ status: "SUCCEEDED", output: expected });
  });

  it.each([
    ["Pass", { Type: "Pass", Output: "{% $states.input.n + 1 %}", End: true }],
    ["Succeed", { Type: "Succeed", Output: "{% $states.input.n + 1 %}" }],
    ["Task", task({ Output: "{% $states.input.n + 1 %}" })],
  ])("GIVEN a %s with an Output expression WHEN it runs THEN the expression is its output", async (_type, state) => {
    const { result } = await run(machine({ Tested: state as AslState }), { input: { n: 1 } });
    expect(result).toMatchObject({ status: "SUCCEEDED", output: 2 });
  });

  // $states.context carries the execution's Id, Name, StartTime and Input, the state machine's Id
  // and Name, and the state's Name and EnteredTime.
  it("GIVEN a state reading $states.context WHEN it runs THEN it sees the execution, the machine and itself", async () => {
    const { result } = await run(
      machine({
        Wait: { Type: "Wait", Seconds: 10, Next: "Look" },
        Look: { Type: "Pass", Output: "{% $states.context %}", End: true },
      }),
      { input: { action: "up" } },
    );
    expect(result.output).toEqual({
      Execution: {
        Id: "arn:aws:states:eu-west-1:123456789012:execution:lifecycle:event-42-up",
        Name: "event-42-up",
        StartTime: "2026-12-03T12:00:00.000Z",
        Input: { action: "up" },
      },
      StateMachine: { Id: ARN, Name: "lifecycle" },
      State: { Name: "Look", EnteredTime: "2026-12-03T12:00:10.000Z", RetryCount: 0 },
    });
  });
});

describe("variables and Assign", () => {
  // "Assign and Output are evaluated with the variable values from before the state; the new values
  // take effect when the state exits": within one state, Assign and Output see the old values.
  it("GIVEN $x = 1 WHEN a state assigns x and y from $x and outputs $x THEN all three see 1", async () => {
    const { result } = await run(
      machine({
        Init: { Type: "Pass", Assign: { x: 1 }, Next: "Step" },
        Step: { Type: "Pass", Assign: { x: "{% $x + 1 %}", y: "{% $x %}" }, Output: { seen: "{% $x %}" }, Next: "Read" },
        Read: { Type: "Pass", Output: { input: "{% $states.input %}" }, End: true },
      }),
    );
    expect(result.output).toEqual({ input: { seen: 1 } });
    expect(result.variables).toMatchObject({ y: 1 });
  });

  it("GIVEN a state that assigned x WHEN the next state reads $x THEN it sees the new value", async () => {
    const { result } = await run(
      machine({
        Init: { Type: "Pass", Assign: { x: 1 }, Next: "Step" },
        Step: { Type: "Pass", Assign: { x: "{% $x + 1 %}" }, Next: "Read" },
        Read: { Type: "Pass", Output: "{% $x %}", End: true },
      }),
    );
    expect(result.output).toBe(2);
  });

  // A Task's Assign may use $states.result; variables not assigned keep their values.
  it("GIVEN a Task assigning from $states.result.Payload WHEN it succeeds THEN the variable holds the function's answer and others are kept", async () => {
    const { result } = await run(
      machine({
        Init: { Type: "Pass", Assign: { kept: "yes" }, Next: "Call" },
        Call: task({ Assign: { run: "{% $states.result.Payload %}" } }),
      }),
      { answers: [{ runId: "run-1", outcome: "succeeded" }] },
    );
    expect(result.variables).toEqual({ kept: "yes", run: { runId: "run-1", outcome: "succeeded" } });
  });
});

describe("Task: lambda:invoke", () => {
  // The optimized Lambda integration's result is the Invoke response: the function's answer is
  // under Payload, next to StatusCode and ExecutedVersion.
  it("GIVEN a function answering an object WHEN the Task succeeds THEN $states.result.Payload is that object", async () => {
    const { result } = await run(machine({ Call: task({ Output: "{% $states.result %}" }) }), { answers: [{ runId: "run-1" }] });
    expect(result.output).toEqual({ ExecutedVersion: "$LATEST", Payload: { runId: "run-1" }, StatusCode: 200 });
  });

  // Arguments are evaluated (JSONata) into the Invoke request; state data is JSON, and a JSONata
  // object constructor leaves out a key whose value is undefined.
  it("GIVEN Arguments built from the input WHEN the Task runs THEN the function gets FunctionName and a JSON payload without the undefined field", async () => {
    const { calls } = await run(
      machine({
        Call: task({
          Arguments: { FunctionName: "{% 'fn-' & $states.input.name %}", Payload: "{% { 'event': $states.input.name, 'gone': $states.input.missing } %}" },
        }),
      }),
      { input: { name: "dec-sale" } },
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.invocation).toMatchObject({ state: "Call", resource: LAMBDA, functionName: "fn-dec-sale" });
    expect(calls[0]!.invocation.payload).toStrictEqual({ event: "dec-sale" });
    expect(Object.keys(calls[0]!.invocation.payload as object)).toEqual(["event"]);
  });

  // $states.context.State.RetryCount counts the retries of the current state.
  it("GIVEN a Task retried twice WHEN its Arguments read State.RetryCount THEN the attempts see 0, 1 and 2", async () => {
    const { calls } = await run(
      machine({ Call: task({ Arguments: { FunctionName: FUNCTION, Payload: { try: "{% $states.context.State.RetryCount %}" } }, Retry: [{ ErrorEquals: ["Busy"] }] }) }),
      { answers: [fail("Busy"), fail("Busy"), { ok: true }] },
    );
    expect(calls.map((call) => call.invocation.payload)).toEqual([{ try: 0 }, { try: 1 }, { try: 2 }]);
  });

  it("GIVEN a Task that fails once and is retried WHEN it then succeeds THEN its history is Scheduled, Failed, Retry, Scheduled, Succeeded", async () => {
    const { result, events } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"] }] }) }), { answers: [fail("Busy"), { ok: true }] });
    expect(typesOf(result.history, "Call")).toEqual(["StateEntered", "TaskScheduled", "TaskFailed", "TaskRetry", "TaskScheduled", "TaskSucceeded"]);
    expect(result.history.find((event) => event.type === "TaskFailed")!.detail).toEqual({ error: "Busy", cause: "Busy happened" });
    expect(events).toEqual(result.history);
  });
});

describe("Retry", () => {
  // Retrier fields: IntervalSeconds (default 1) before the first retry, BackoffRate (default 2.0)
  // multiplies the interval at each retry, MaxAttempts (default 3) retries at most, MaxDelaySeconds
  // caps the interval.
  it.each([
    ["the defaults", {}, 3, [1, 2, 4]],
    ["IntervalSeconds 5, BackoffRate 2, MaxAttempts 3", { IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 3 }, 3, [5, 10, 20]],
    ["IntervalSeconds 2, BackoffRate 1.5", { IntervalSeconds: 2, BackoffRate: 1.5 }, 3, [2, 3, 4.5]],
    ["MaxDelaySeconds 12 over 5 x 2^n", { IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 12 }, 4, [5, 10, 12, 12]],
  ])("GIVEN a retrier with %s WHEN the function fails %i times THEN the retries wait %j seconds of simulated time", async (_case, rule, failures, gaps) => {
    const answers = [...Array.from({ length: failures }, () => fail("Busy")), { ok: true }];
    const { result, calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], ...rule }] }) }), { answers });
    expect(result.status).toBe("SUCCEEDED");
    expect(gapsOf(calls)).toEqual(gaps);
  });

  // JitterStrategy FULL: each delay is a random time between 0 and the computed (capped) delay.
  it.each([
    ["IntervalSeconds 5, BackoffRate 2", { IntervalSeconds: 5, BackoffRate: 2 }, [0.5, 0.25], [2.5, 2.5]],
    ["a delay capped by MaxDelaySeconds 10", { IntervalSeconds: 100, MaxDelaySeconds: 10 }, [0.5, 0.9], [5, 9]],
  ])("GIVEN FULL jitter with %s WHEN the function fails twice THEN each delay is random x the computed delay", async (_case, rule, randoms, gaps) => {
    const draws = [...randoms];
    const { calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], JitterStrategy: "FULL", ...rule }] }) }), {
      answers: [fail("Busy"), fail("Busy"), { ok: true }],
      random: () => draws.shift()!,
    });
    expect(gapsOf(calls)).toEqual(gaps);
  });

  // Once MaxAttempts retries are spent, normal error handling resumes: with no catcher the
  // execution fails with the error.
  it("GIVEN MaxAttempts 2 WHEN the function always fails THEN it is called 3 times and the execution fails with its error", async () => {
    const { result, calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], MaxAttempts: 2 }] }) }), { answers: [fail("Busy", "still busy")] });
    expect(calls).toHaveLength(3);
    expect(result).toMatchObject({ status: "FAILED", error: "Busy", cause: "still busy" });
  });

  // "A value of 0 specifies that the error is never retried."
  it("GIVEN MaxAttempts 0 WHEN the function fails THEN it is not retried", async () => {
    const { result, calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], MaxAttempts: 0 }] }) }), { answers: [fail("Busy"), { ok: true }] });
    expect(calls).toHaveLength(1);
    expect(typesOf(result.history)).not.toContain("TaskRetry");
    expect(result).toMatchObject({ status: "FAILED", error: "Busy" });
  });

  // Retriers are scanned in order and the first whose ErrorEquals matches is used.
  it("GIVEN a named retrier before a States.ALL retrier WHEN the named error occurs THEN the named retrier's interval applies", async () => {
    const { calls } = await run(
      machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 7 }, { ErrorEquals: ["States.ALL"], IntervalSeconds: 3 }] }) }),
      { answers: [fail("Busy"), { ok: true }] },
    );
    expect(gapsOf(calls)).toEqual([7]);
  });

  // Each retrier keeps its own attempt count for the state's execution...
  it("GIVEN two retriers of MaxAttempts 1 WHEN error A then error B occur THEN each is retried once and the Task succeeds", async () => {
    const { result, calls } = await run(
      machine({ Call: task({ Retry: [{ ErrorEquals: ["A"], MaxAttempts: 1 }, { ErrorEquals: ["B"], MaxAttempts: 1 }] }) }),
      { answers: [fail("A"), fail("B"), { ok: true }] },
    );
    expect(calls).toHaveLength(3);
    expect(result.status).toBe("SUCCEEDED");
  });

  // ...which is shared by all the errors that retrier lists.
  it("GIVEN one retrier listing A and B with MaxAttempts 1 WHEN error A then error B occur THEN B is not retried", async () => {
    const { result, calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["A", "B"], MaxAttempts: 1 }] }) }), {
      answers: [fail("A"), fail("B"), { ok: true }],
    });
    expect(calls).toHaveLength(2);
    expect(result).toMatchObject({ status: "FAILED", error: "B" });
  });

  // States.TaskFailed matches any error of a Task except States.Timeout.
  it.each([
    ["a function's own error", "Lambda.Unknown", 2],
    ["States.Timeout", "States.Timeout", 1],
  ])("GIVEN a States.TaskFailed retrier WHEN the Task fails with %s THEN it is called %i time(s)", async (_case, error, expectedCalls) => {
    const { calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 1 }] }) }), {
      answers: [fail(error), { ok: true }],
    });
    expect(calls).toHaveLength(expectedCalls);
  });

  // States.ALL matches any error name but cannot retry or catch States.Runtime.
  it("GIVEN States.ALL retrier and catcher WHEN the Task fails with States.Runtime THEN the execution fails with it, neither retried nor caught", async () => {
    const { result, calls } = await run(
      machine({
        Call: task({ Retry: [{ ErrorEquals: ["States.ALL"] }], Catch: [{ ErrorEquals: ["States.ALL"], Next: "Handled" }] }),
        Handled: { Type: "Succeed" },
      }),
      { answers: [fail("States.Runtime", "cannot process"), { ok: true }] },
    );
    expect(calls).toHaveLength(1);
    expect(result).toMatchObject({ status: "FAILED", error: "States.Runtime", cause: "cannot process" });
    expect(typesOf(result.history)).not.toContain("CaughtError");
  });
});

describe("Catch", () => {
  // After retries are spent (or none matched), catchers are scanned in order; the catcher's Assign
  // and Output see $states.errorOutput = { Error, Cause }, and without Output the state's output is
  // that error output.
  it("GIVEN an error no retrier matches WHEN a catcher matches THEN it is not retried and the next state gets { Error, Cause } and the catcher's Assign", async () => {
    const { result, calls } = await run(
      machine({
        Call: task({
          Retry: [{ ErrorEquals: ["Busy"] }],
          Catch: [{ ErrorEquals: ["Broken"], Assign: { failure: { step: "Call", error: "{% $states.errorOutput.Error %}" } }, Next: "Handled" }],
        }),
        Handled: { Type: "Pass", Output: { input: "{% $states.input %}", failure: "{% $failure %}" }, End: true },
      }),
      { answers: [fail("Broken", '{"errorMessage":"no"}')] },
    );
    expect(calls).toHaveLength(1);
    expect(result).toMatchObject({
      status: "SUCCEEDED",
      output: { input: { Error: "Broken", Cause: '{"errorMessage":"no"}' }, failure: { step: "Call", error: "Broken" } },
    });
  });

  it("GIVEN a catcher with Output WHEN it catches THEN its Output replaces the error output", async () => {
    const { result } = await run(
      machine({
        Call: task({ Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% $states.errorOutput.Cause %}", Next: "Handled" }] }),
        Handled: { Type: "Succeed" },
      }),
      { answers: [fail("Broken", "the cause")] },
    );
    expect(result.output).toBe("the cause");
  });

  it("GIVEN retries that are spent WHEN a catcher matches THEN the execution goes on at the catcher's Next", async () => {
    const { result, calls } = await run(
      machine({
        Call: task({ Retry: [{ ErrorEquals: ["Busy"], MaxAttempts: 1 }], Catch: [{ ErrorEquals: ["Busy"], Next: "Handled" }] }),
        Handled: { Type: "Succeed" },
      }),
      { answers: [fail("Busy", "still busy")] },
    );
    expect(calls).toHaveLength(2);
    expect(result).toMatchObject({ status: "SUCCEEDED", output: { Error: "Busy", Cause: "still busy" } });
  });

  // When a catcher matches, the state's own Assign is not evaluated: only the catcher's.
  it("GIVEN a Task with its own Assign WHEN its error is caught THEN only the catcher's Assign applies", async () => {
    const { result } = await run(
      machine({
        Call: task({ Assign: { fromTask: "{% $states.result.Payload %}" }, Catch: [{ ErrorEquals: ["States.ALL"], Assign: { fromCatch: true }, Next: "Handled" }] }),
        Handled: { Type: "Succeed" },
      }),
      { answers: [fail("Broken")] },
    );
    expect(result.variables).toEqual({ fromCatch: true });
  });

  it.each([
    ["the named error", "Broken", "Named"],
    ["another error", "Other", "Any"],
  ])("GIVEN a named catcher before States.ALL WHEN the Task fails with %s THEN the first matching catcher wins", async (_case, error, expectedNext) => {
    const { result } = await run(
      machine({
        Call: task({
          Catch: [
            { ErrorEquals: ["Broken"], Next: "Named" },
            { ErrorEquals: ["States.ALL"], Next: "Any" },
          ],
        }),
        Named: { Type: "Pass", Output: "Named", End: true },
        Any: { Type: "Pass", Output: "Any", End: true },
      }),
      { answers: [fail(error)] },
    );
    expect(result.output).toBe(expectedNext);
  });

  // When a state reports an error that nothing handles, the whole execution fails with it.
  it("GIVEN no catcher WHEN the Task fails THEN the execution fails with that Error and Cause and the next state is never entered", async () => {
    const { result } = await run(machine({ Call: task({ End: undefined, Next: "After" }), After: { Type: "Succeed" } }), {
      answers: [fail("Broken", "the cause")],
    });
    expect(result).toMatchObject({ status: "FAILED", error: "Broken", cause: "the cause" });
    expect(result.history.some((event) => event.state === "After")).toBe(false);
    expect(result.history.at(-1)).toMatchObject({ type: "ExecutionFailed", detail: { error: "Broken", cause: "the cause" } });
  });

  // A JSONata expression that fails to evaluate fails the state; uncaught, it fails the execution.
  // The name is not asserted: the States Language names it States.QueryEvaluationError (which
  // States.ALL catches), the runner reports States.Runtime.
  it("GIVEN Arguments whose expression fails WHEN the Task runs THEN the execution fails before the function is invoked", async () => {
    const { result, calls } = await run(machine({ Call: task({ Arguments: { FunctionName: FUNCTION, Payload: "{% $states.input.n + 'x' %}" } }) }), {
      input: { n: 1 },
    });
    expect(result.status).toBe("FAILED");
    expect(calls).toHaveLength(0);
  });
});

describe("Choice", () => {
  // Choice rules are evaluated in order; the first whose Condition is true decides Next; with none
  // true the Default is taken.
  it.each([
    [5, "Big"],
    [1, "Small"],
    [-1, "Other"],
  ])("GIVEN n = %i WHEN the Choice runs THEN it goes to %s", async (n, expected) => {
    const { result } = await run(
      machine({
        Decide: {
          Type: "Choice",
          Choices: [
            { Condition: "{% $states.input.n > 3 %}", Next: "Big" },
            { Condition: "{% $states.input.n > 0 %}", Next: "Small" },
          ],
          Default: "Other",
        },
        Big: { Type: "Pass", Output: "Big", End: true },
        Small: { Type: "Pass", Output: "Small", End: true },
        Other: { Type: "Pass", Output: "Other", End: true },
      }),
      { input: { n } },
    );
    expect(result.output).toBe(expected);
  });

  // No rule true and no Default: the execution fails with States.NoChoiceMatched.
  it("GIVEN no Condition true and no Default WHEN the Choice runs THEN the execution fails with States.NoChoiceMatched", async () => {
    const { result } = await run(machine({ Decide: { Type: "Choice", Choices: [{ Condition: "{% false %}", Next: "Never" }] }, Never: { Type: "Succeed" } }));
    expect(result).toMatchObject({ status: "FAILED", error: "States.NoChoiceMatched" });
  });

  // Condition is "a JSONata expression that evaluates to true/false": a number is not taken as
  // truthy. The name is not asserted: the spec's is States.QueryEvaluationError ("an incorrectly
  // typed result"), the runner's States.Runtime.
  it("GIVEN a Condition that evaluates to a number WHEN the Choice runs THEN the execution fails instead of branching", async () => {
    const { result } = await run(
      machine({ Decide: { Type: "Choice", Choices: [{ Condition: "{% $states.input.n %}", Next: "Taken" }], Default: "Taken" }, Taken: { Type: "Succeed" } }),
      { input: { n: 1 } },
    );
    expect(result.status).toBe("FAILED");
    expect(result.history.some((event) => event.state === "Taken")).toBe(false);
  });
});

describe("Wait", () => {
  // Wait Seconds (a number or a JSONata expression) delays the next state by that long.
  it.each([
    ["a number", 30, 30],
    ["an expression", "{% $states.input.delay %}", 45],
  ])("GIVEN Seconds as %s WHEN the Wait runs THEN the simulated clock moves by that many seconds", async (_case, seconds, expected) => {
    const { result, calls } = await run(machine({ Pause: { Type: "Wait", Seconds: seconds, Next: "Call" }, Call: task() }), { input: { delay: 45 } });
    expect(calls[0]!.at - START).toBe(expected * 1000);
    expect(result.history.find((event) => event.type === "WaitStarted")!.at).toBe(START);
  });

  // Wait Timestamp waits until that absolute time.
  it("GIVEN a Timestamp an hour ahead WHEN the Wait runs THEN the next state starts at that time", async () => {
    const { calls } = await run(machine({ Pause: { Type: "Wait", Timestamp: "{% $states.input.at %}", Next: "Call" }, Call: task() }), {
      input: { at: "2026-12-03T13:00:00Z" },
    });
    expect(calls[0]!.at).toBe(Date.parse("2026-12-03T13:00:00Z"));
  });
});

describe("execution TimeoutSeconds", () => {
  // An execution running longer than its TimeoutSeconds fails with States.Timeout (status TIMED_OUT).
  it.each([
    [59, "SUCCEEDED"],
    [61, "TIMED_OUT"],
  ])("GIVEN TimeoutSeconds 60 WHEN a Wait of %i s runs THEN the execution is %s", async (seconds, status) => {
    const { result } = await run(machine({ Pause: { Type: "Wait", Seconds: seconds, Next: "Done" }, Done: { Type: "Succeed" } }, { TimeoutSeconds: 60 }));
    expect(result.status).toBe(status);
  });

  it("GIVEN TimeoutSeconds 60 WHEN a Wait would pass it THEN the execution stops at the timeout with States.Timeout, the next state never entered", async () => {
    const { result } = await run(machine({ Pause: { Type: "Wait", Seconds: 3600, Next: "Done" }, Done: { Type: "Succeed" } }, { TimeoutSeconds: 60 }));
    expect(result).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(result.stoppedAt - result.startedAt).toBeGreaterThan(60_000);
    expect(result.stoppedAt - result.startedAt).toBeLessThan(61_000);
    expect(result.history.some((event) => event.state === "Done")).toBe(false);
  });

  it("GIVEN TimeoutSeconds 60 WHEN a retry delay would pass it THEN the execution times out with States.Timeout without calling again", async () => {
    const { result, calls } = await run(machine({ Call: task({ Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 120 }] }) }, { TimeoutSeconds: 60 }), {
      answers: [fail("Busy"), { ok: true }],
    });
    expect(result).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(calls).toHaveLength(1);
  });
});

describe("Fail and Succeed", () => {
  // Fail ends the execution as failed with its Error and Cause, which may be JSONata expressions.
  it.each([
    ["literals", { Error: "UnknownAction", Cause: "input.action must be up or down" }, "UnknownAction", "input.action must be up or down"],
    ["expressions", { Error: "{% $failure.error %}", Cause: "{% 'step ' & $failure.step & ' failed' %}" }, "PostApplyFailed", "step Check failed"],
  ])("GIVEN a Fail with %s WHEN reached THEN the execution fails with that Error and Cause", async (_case, fields, error, cause) => {
    const { result } = await run(
      machine({ Note: { Type: "Pass", Assign: { failure: { error: "PostApplyFailed", step: "Check" } }, Next: "Stop" }, Stop: { Type: "Fail", ...fields } }),
    );
    expect(result).toMatchObject({ status: "FAILED", error, cause });
  });

  it("GIVEN a Succeed WHEN reached THEN the execution succeeds and records ExecutionSucceeded last", async () => {
    const { result } = await run(machine({ Done: { Type: "Succeed" } }), { input: { a: 1 } });
    expect(result).toMatchObject({ status: "SUCCEEDED", output: { a: 1 } });
    expect(result.history.at(-1)!.type).toBe("ExecutionSucceeded");
  });
});

describe("history and the transition guard", () => {
  it("GIVEN Pass, Wait and Choice WHEN run THEN the history records each entry, the wait and the choice in order", async () => {
    const { result } = await run(
      machine({
        Start: { Type: "Pass", Next: "Pause" },
        Pause: { Type: "Wait", Seconds: 5, Next: "Decide" },
        Decide: { Type: "Choice", Choices: [{ Condition: "{% true %}", Next: "Done" }] },
        Done: { Type: "Succeed" },
      }),
    );
    expect(typesOf(result.history)).toEqual([
      "StateEntered",
      "StateEntered",
      "WaitStarted",
      "StateEntered",
      "ChoiceMade",
      "StateEntered",
      "ExecutionSucceeded",
    ]);
    expect(result.history.find((event) => event.type === "ChoiceMade")).toMatchObject({ state: "Decide", at: START + 5000, detail: { next: "Done" } });
  });

  // The runner's own guard (not an AWS rule): a definition looping without end stops after
  // maxTransitions state transitions instead of hanging the rehearsal.
  it("GIVEN two Pass states looping forever WHEN run with maxTransitions 50 THEN the execution fails with States.Runtime after 50 entries", async () => {
    const { result } = await run(machine({ Ping: { Type: "Pass", Next: "Pong" }, Pong: { Type: "Pass", Next: "Ping" } }), { maxTransitions: 50 });
    expect(result).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    expect(result.cause).toMatch(/more than 50 state transitions/);
    expect(typesOf(result.history).filter((type) => type === "StateEntered")).toHaveLength(50);
  });
});

describe("TaskFailure", () => {
  it("GIVEN an error type and a cause WHEN a TaskFailure is made THEN it carries both and names both in its message", () => {
    const failure = new TaskFailure("PostApplyRetryableError", '{"errorMessage":"throttled"}');
    expect(failure).toMatchObject({ errorType: "PostApplyRetryableError", causeText: '{"errorMessage":"throttled"}' });
    expect(failure.message).toBe('PostApplyRetryableError: {"errorMessage":"throttled"}');
  });
});

describe("JSONata evaluation errors and terminal errors (States Language, Appendix A; Handling errors)", () => {
  // States.QueryEvaluationError: a failed expression, or one that returns nothing where a value is needed; States.ALL catches it.
  it("catches a failing Arguments expression with a States.ALL catcher as States.QueryEvaluationError", async () => {
    const def = machine({
      T: task({ Arguments: { FunctionName: FUNCTION, Payload: { a: "{% $number('x') + $undefinedFunction() %}" } }, End: undefined, Next: "Done", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }] }),
      Done: { Type: "Succeed" },
      Caught: { Type: "Pass", Output: "{% $states.input %}", End: true },
    });
    const { result, calls } = await run(def);
    expect(calls).toHaveLength(0);
    expect(result.status).toBe("SUCCEEDED");
    expect((result.output as { Error: string }).Error).toBe("States.QueryEvaluationError");
  });

  it("fails a field whose expression returns nothing, rather than dropping it", async () => {
    const def = machine({ T: task({ Arguments: { FunctionName: FUNCTION, Payload: { a: "{% $states.input.missing %}" } } }) });
    const { result, calls } = await run(def, { input: {} });
    expect(calls).toHaveLength(0);
    expect(result).toMatchObject({ status: "FAILED", error: "States.QueryEvaluationError" });
  });

  it("fails a Choice whose Condition is not a boolean with States.QueryEvaluationError", async () => {
    const def = machine({ C: { Type: "Choice", Choices: [{ Condition: "{% 42 %}", Next: "S" }], Default: "S" }, S: { Type: "Succeed" } });
    expect((await run(def)).result).toMatchObject({ status: "FAILED", error: "States.QueryEvaluationError" });
  });

  // States.ALL does not catch the terminal States.DataLimitExceeded.
  it("does not catch States.DataLimitExceeded with States.ALL", async () => {
    const def = machine({
      T: task({ End: undefined, Next: "Done", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Done" }] }),
      Done: { Type: "Succeed" },
    });
    const { result } = await run(def, { answers: [{ big: "x".repeat(300 * 1024) }] });
    expect(result).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
  });

  it("ends the execution at a Wait with End: true", async () => {
    const { result } = await run(machine({ W: { Type: "Wait", Seconds: 5, End: true } }), { input: { x: 1 } });
    expect(result).toMatchObject({ status: "SUCCEEDED", output: { x: 1 } });
    expect(result.stoppedAt - result.startedAt).toBe(5_000);
  });

  it("moves the clock to the time-out when a retry delay would pass it", async () => {
    const def = machine({ T: task({ Retry: [{ ErrorEquals: ["Boom"], IntervalSeconds: 600, MaxAttempts: 3 }] }) }, { TimeoutSeconds: 60 });
    const { result } = await run(def, { answers: [fail("Boom")] });
    expect(result).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(result.stoppedAt - result.startedAt).toBeGreaterThanOrEqual(60_000);
  });
});
