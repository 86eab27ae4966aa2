/**
 * The event lifecycle as an Amazon States Language (JSONata) definition, generated here so that it
 * is typed, reviewed as code and tested as a graph.
 *
 * spin-up:  start apply run -> poll until final -> post-apply step (the event stack's function,
 *           binlog retention) -> smoke check -> notify
 * teardown: verify data (DMS CDC latency ~0, validation clean) -> stop DMS task -> poll until
 *           stopped -> start destroy run -> poll until final -> final snapshot exists -> notify
 *
 * When the data is not verified, teardown alerts, waits and checks again, up to a limit, and then
 * gives up WITHOUT destroying. The only edge into the destroy branch is the "verified" rule of
 * {@link STATES.dataVerified}. Every Task retries transient errors and catches the rest into a
 * failure notification.
 */
import type { LifecycleSettings } from "./settings";

/** ARNs of the lifecycle's functions. */
export interface LifecycleFunctionArns {
  readonly tfcRun: string;
  readonly dmsReplication: string;
  readonly finalSnapshot: string;
  readonly smokeCheck: string;
  readonly notify: string;
}

export interface LifecycleDefinitionProps {
  readonly functions: LifecycleFunctionArns;
  readonly settings: LifecycleSettings;
}

export const STATES = {
  init: "Init",
  route: "Route",
  unknownAction: "UnknownAction",
  // spin-up
  startApplyRun: "StartApplyRun",
  applyRunStatus: "ApplyRunStatus",
  waitForApplyRun: "WaitForApplyRun",
  pollApplyRun: "PollApplyRun",
  applyRunFailed: "ApplyRunFailed",
  applyRunTimedOut: "ApplyRunTimedOut",
  postApply: "RunPostApplyStep",
  smokeCheck: "SmokeCheck",
  notifySpunUp: "NotifySpunUp",
  spunUp: "SpunUp",
  // teardown
  verifyData: "VerifyData",
  dataVerified: "DataVerified",
  notifyNotVerified: "NotifyDataNotVerified",
  waitBeforeReverify: "WaitBeforeReverify",
  countVerifyAttempt: "CountVerifyAttempt",
  dataNotVerifiedGiveUp: "DataNotVerifiedGiveUp",
  stopReplication: "StopReplication",
  replicationStopped: "ReplicationStopped",
  waitForReplicationStop: "WaitForReplicationStop",
  pollReplication: "PollReplication",
  replicationStopTimedOut: "ReplicationStopTimedOut",
  startDestroyRun: "StartDestroyRun",
  destroyRunStatus: "DestroyRunStatus",
  waitForDestroyRun: "WaitForDestroyRun",
  pollDestroyRun: "PollDestroyRun",
  destroyRunFailed: "DestroyRunFailed",
  destroyRunTimedOut: "DestroyRunTimedOut",
  checkFinalSnapshot: "CheckFinalSnapshot",
  finalSnapshotStatus: "FinalSnapshotStatus",
  waitForFinalSnapshot: "WaitForFinalSnapshot",
  finalSnapshotMissing: "FinalSnapshotMissing",
  notifyTornDown: "NotifyTornDown",
  tornDown: "TornDown",
  // failure
  notifyFailure: "NotifyFailure",
  lifecycleFailed: "LifecycleFailed",
  notificationFailed: "NotificationFailed",
} as const;

/** The Choice condition that alone lets teardown proceed to stopping replication and destroying. */
export const VERIFIED_CONDITION = "{% $verification.verified = true %}";

/** Errors worth retrying in place: Lambda service hiccups, throttling, timeouts, and what handlers mark transient. */
export const TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "States.Timeout",
  "TransientError",
] as const;

export type AslState = Record<string, unknown> & { readonly Type: string };

export interface AslDefinition {
  readonly Comment: string;
  readonly QueryLanguage: "JSONata";
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, AslState>;
}

const S = STATES;
const js = (expression: string) => `{% ${expression} %}`;

export function lifecycleDefinition(props: LifecycleDefinitionProps): AslDefinition {
  const { functions: fn, settings: cfg } = props;
  const maxRunPolls = Math.ceil(cfg.runTimeoutSeconds / cfg.runPollSeconds);

  const retry = [{ ErrorEquals: [...TRANSIENT_ERRORS], IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: "FULL" }];
  const catchInto = (step: string, next: string = S.notifyFailure) => [
    {
      ErrorEquals: ["States.ALL"],
      Assign: { failure: { step, Error: js("$states.errorOutput.Error"), Cause: js("$states.errorOutput.Cause") } },
      Next: next,
    },
  ];
  /** A Lambda task: invoke, keep the payload it returns in `resultVar`, retry transient errors, catch the rest. */
  const task = (
    name: string,
    functionName: string,
    payload: Record<string, unknown>,
    next: string,
    options: { resultVar?: string; assign?: Record<string, unknown>; timeoutSeconds?: number; retry?: unknown[]; catchNext?: string } = {},
  ): AslState => ({
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: { FunctionName: functionName, Payload: payload },
    TimeoutSeconds: options.timeoutSeconds ?? 120,
    ...(options.resultVar || options.assign
      ? { Assign: { ...(options.resultVar ? { [options.resultVar]: js("$states.result.Payload") } : {}), ...options.assign } }
      : {}),
    Retry: options.retry ?? retry,
    Catch: catchInto(name, options.catchNext),
    Next: next,
  });
  const notify = (name: string, kind: string, next: string, catchNext: string): AslState =>
    task(
      name,
      fn.notify,
      {
        kind,
        action: js("$action"),
        scheduledAt: js("$scheduledAt"),
        event: js("$event"),
        run: js("$run"),
        verification: js("$verification"),
        failure: js("$failure"),
        attempt: js("$verifyAttempts + 1"),
        maxAttempts: cfg.verifyMaxAttempts,
        nextCheckSeconds: cfg.verifyRetrySeconds,
      },
      next,
      { catchNext, timeoutSeconds: 60 },
    );
  const fail = (error: string, cause: string): Record<string, unknown> => ({ failure: { step: error, Error: error, Cause: cause } });
  const runPayload = (action: "start" | "status", destroy: boolean) =>
    action === "start"
      ? {
          action,
          workspace: js("$event.workspace"),
          destroy,
          message: js(`'${destroy ? "Teardown" : "Spin-up"} of ' & $event.name & ' (scheduled ' & $scheduledAt & ')'`),
        }
      : { action, runId: js("$run.runId"), workspace: js("$event.workspace") };
  /** start run -> status choice <-> wait/poll loop, ending in `onSuccess` or a failure notification. */
  const runLoop = (destroy: boolean, names: { start: string; status: string; wait: string; poll: string; failed: string; timedOut: string }, onSuccess: string) => ({
    [names.start]: task(names.start, fn.tfcRun, runPayload("start", destroy), names.status, { resultVar: "run", assign: { runPolls: 0 }, timeoutSeconds: 300 }),
    [names.status]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$run.outcome = 'succeeded'"), Next: onSuccess },
        { Condition: js("$run.outcome = 'failed'"), Next: names.failed },
        { Condition: js(`$runPolls >= ${maxRunPolls}`), Next: names.timedOut },
      ],
      Default: names.wait,
    },
    [names.wait]: { Type: "Wait", Seconds: cfg.runPollSeconds, Next: names.poll },
    [names.poll]: task(names.poll, fn.tfcRun, runPayload("status", destroy), names.status, {
      resultVar: "run",
      assign: { runPolls: js("$runPolls + 1") },
      timeoutSeconds: 300,
    }),
    [names.failed]: {
      Type: "Pass",
      Assign: fail(names.failed, js("'run ' & $run.runId & ' ended ' & $run.status & ': ' & $run.url")),
      Next: S.notifyFailure,
    },
    [names.timedOut]: {
      Type: "Pass",
      Assign: fail(names.timedOut, js(`'run ' & $run.runId & ' still ' & $run.status & ' after ${cfg.runTimeoutSeconds} s: ' & $run.url`)),
      Next: S.notifyFailure,
    },
  });

  const dmsArgs = (action: "verify" | "stop" | "status") => ({
    action,
    taskId: js("$event.dmsTaskId"),
    replicationInstanceId: js("$event.dmsReplicationInstanceId"),
    maxLatencySeconds: cfg.maxCdcLatencySeconds,
  });

  const states: Record<string, AslState> = {
    [S.init]: {
      Type: "Pass",
      Assign: {
        action: js("$states.input.action"),
        event: js("$states.input.event"),
        scheduledAt: js("$states.input.scheduledAt"),
        run: {},
        verification: {},
        replication: {},
        snapshot: {},
        failure: {},
        runPolls: 0,
        stopPolls: 0,
        snapshotPolls: 0,
        verifyAttempts: 0,
      },
      Next: S.route,
    },
    [S.route]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$action = 'up'"), Next: S.startApplyRun },
        { Condition: js("$action = 'down'"), Next: S.verifyData },
      ],
      Default: S.unknownAction,
    },
    [S.unknownAction]: { Type: "Fail", Error: "UnknownAction", Cause: "input.action must be \"up\" or \"down\"" },

    // ---- spin-up
    ...runLoop(
      false,
      { start: S.startApplyRun, status: S.applyRunStatus, wait: S.waitForApplyRun, poll: S.pollApplyRun, failed: S.applyRunFailed, timedOut: S.applyRunTimedOut },
      S.postApply,
    ),
    [S.postApply]: task(
      S.postApply,
      js("$event.postApplyFunctionName"),
      { event: js("$event.slug"), workspace: js("$event.workspace"), runId: js("$run.runId") },
      S.smokeCheck,
      { timeoutSeconds: 300 },
    ),
    [S.smokeCheck]: task(S.smokeCheck, fn.smokeCheck, { url: js("$event.smokeCheckUrl") }, S.notifySpunUp, {
      timeoutSeconds: 60,
      // The edge and the services may need minutes after apply; keep trying for about 20 minutes.
      retry: [...retry, { ErrorEquals: ["SmokeCheckFailed"], IntervalSeconds: 30, MaxAttempts: 12, BackoffRate: 1.3, MaxDelaySeconds: 180 }],
    }),
    [S.notifySpunUp]: notify(S.notifySpunUp, "spun-up", S.spunUp, S.notificationFailed),
    [S.spunUp]: { Type: "Succeed" },

    // ---- teardown: nothing below is reachable from here except through the verified rule
    [S.verifyData]: task(S.verifyData, fn.dmsReplication, dmsArgs("verify"), S.dataVerified, { resultVar: "verification" }),
    [S.dataVerified]: {
      Type: "Choice",
      Choices: [
        { Condition: VERIFIED_CONDITION, Next: S.stopReplication },
        { Condition: js(`$verifyAttempts + 1 >= ${cfg.verifyMaxAttempts}`), Next: S.dataNotVerifiedGiveUp },
      ],
      Default: S.notifyNotVerified,
    },
    // An alert that cannot be sent must not stop the checks: go on waiting either way.
    [S.notifyNotVerified]: notify(S.notifyNotVerified, "not-verified", S.waitBeforeReverify, S.waitBeforeReverify),
    [S.waitBeforeReverify]: { Type: "Wait", Seconds: cfg.verifyRetrySeconds, Next: S.countVerifyAttempt },
    [S.countVerifyAttempt]: { Type: "Pass", Assign: { verifyAttempts: js("$verifyAttempts + 1") }, Next: S.verifyData },
    [S.dataNotVerifiedGiveUp]: {
      Type: "Pass",
      Assign: fail(
        "DataNotVerified",
        js(`'data of ' & $event.name & ' not verified after ${cfg.verifyMaxAttempts} checks; the environment was NOT destroyed: ' & $join($verification.reasons, '; ')`),
      ),
      Next: S.notifyFailure,
    },
    [S.stopReplication]: task(S.stopReplication, fn.dmsReplication, dmsArgs("stop"), S.replicationStopped, { resultVar: "replication" }),
    [S.replicationStopped]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$replication.status = 'stopped'"), Next: S.startDestroyRun },
        { Condition: js(`$stopPolls >= ${cfg.statusMaxPolls}`), Next: S.replicationStopTimedOut },
      ],
      Default: S.waitForReplicationStop,
    },
    [S.waitForReplicationStop]: { Type: "Wait", Seconds: cfg.statusPollSeconds, Next: S.pollReplication },
    [S.pollReplication]: task(S.pollReplication, fn.dmsReplication, dmsArgs("status"), S.replicationStopped, {
      resultVar: "replication",
      assign: { stopPolls: js("$stopPolls + 1") },
    }),
    [S.replicationStopTimedOut]: {
      Type: "Pass",
      Assign: fail(S.replicationStopTimedOut, js("'DMS task ' & $event.dmsTaskId & ' still ' & $replication.status & '; not destroying'")),
      Next: S.notifyFailure,
    },
    ...runLoop(
      true,
      { start: S.startDestroyRun, status: S.destroyRunStatus, wait: S.waitForDestroyRun, poll: S.pollDestroyRun, failed: S.destroyRunFailed, timedOut: S.destroyRunTimedOut },
      S.checkFinalSnapshot,
    ),
    [S.checkFinalSnapshot]: task(
      S.checkFinalSnapshot,
      fn.finalSnapshot,
      { snapshotId: js("$event.finalSnapshotId"), clusterId: js("$event.auroraClusterId") },
      S.finalSnapshotStatus,
      { resultVar: "snapshot", assign: { snapshotPolls: js("$snapshotPolls + 1") } },
    ),
    [S.finalSnapshotStatus]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$snapshot.state = 'available'"), Next: S.notifyTornDown },
        { Condition: js(`$snapshot.state = 'creating' and $snapshotPolls < ${cfg.statusMaxPolls}`), Next: S.waitForFinalSnapshot },
      ],
      Default: S.finalSnapshotMissing,
    },
    [S.waitForFinalSnapshot]: { Type: "Wait", Seconds: cfg.statusPollSeconds, Next: S.checkFinalSnapshot },
    [S.finalSnapshotMissing]: {
      Type: "Pass",
      Assign: fail(S.finalSnapshotMissing, js("'final snapshot ' & $event.finalSnapshotId & ' is ' & $snapshot.state & ' after the destroy run'")),
      Next: S.notifyFailure,
    },
    [S.notifyTornDown]: notify(S.notifyTornDown, "torn-down", S.tornDown, S.notificationFailed),
    [S.tornDown]: { Type: "Succeed" },

    // ---- failure
    [S.notifyFailure]: notify(S.notifyFailure, "failed", S.lifecycleFailed, S.notificationFailed),
    [S.lifecycleFailed]: { Type: "Fail", Error: "LifecycleFailed", Cause: "A lifecycle step failed; the notification and the execution history say which and why" },
    [S.notificationFailed]: { Type: "Fail", Error: "NotificationFailed", Cause: "A lifecycle notification could not be sent; see the execution history" },
  };

  const upBound = cfg.runTimeoutSeconds + 3600;
  const downBound = cfg.verifyMaxAttempts * (cfg.verifyRetrySeconds + 600) + 2 * cfg.statusMaxPolls * cfg.statusPollSeconds + cfg.runTimeoutSeconds + 3600;
  return {
    Comment: "flashcrowd event lifecycle: scheduled spin-up, and teardown only after the event's data is verified in prod",
    QueryLanguage: "JSONata",
    StartAt: S.init,
    TimeoutSeconds: Math.max(upBound, downBound),
    States: states,
  };
}
