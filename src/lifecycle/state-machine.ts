/**
 * The event lifecycle as an Amazon States Language (JSONata) definition, generated here so that it
 * is typed, reviewed as code and tested as a graph and as whole executions (`flashcrowd rehearse`).
 *
 * spin-up:  apply run (pinned to the uploaded configuration) -> poll until final (a run that waits
 *           for a person is reported at once) -> post-apply step in the event VPC (binlog
 *           retention, DMS source user, key block, DMS task start) -> smoke check -> notify
 * teardown: keep the auto-destroy away -> quiesce (request-serving services to zero, order queue
 *           drained, dead-letter queue empty, workers to zero) -> DMS applies every change up to
 *           the quiesce time and stops there -> reconcile the event's rows in prod by key (resumable)
 *           -> verified snapshot available -> deletion protection off -> destroy run -> final
 *           snapshot -> notify
 *
 * Anything short of a clean reconciliation alerts, waits and starts the check over (quiesce is
 * idempotent), up to a limit, then gives up WITHOUT destroying. The only edge into the destroy
 * branch is the "verified" rule of {@link STATES.dataVerified}. Every Task retries transient
 * errors and catches the rest into a failure notification.
 */
import type { LifecycleSettings } from "./settings";

/** ARNs of the control stack's lifecycle functions (the event data steps run in each event's own function). */
export interface LifecycleFunctionArns {
  readonly tfcRun: string;
  readonly dmsReplication: string;
  readonly eventDatabase: string;
  readonly quiesce: string;
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
  notifyApplyRunWaiting: "NotifyApplyRunWaiting",
  waitForApplyRun: "WaitForApplyRun",
  pollApplyRun: "PollApplyRun",
  applyRunFailed: "ApplyRunFailed",
  applyRunTimedOut: "ApplyRunTimedOut",
  postApply: "RunPostApplyStep",
  checkKeyBlock: "CheckKeyBlock",
  startReplication: "StartReplication",
  smokeCheck: "SmokeCheck",
  notifySpunUp: "NotifySpunUp",
  spunUp: "SpunUp",
  // teardown
  postponeAutoDestroy: "PostponeAutoDestroy",
  quiesce: "Quiesce",
  quiesceStatus: "QuiesceStatus",
  waitForQuiesce: "WaitForQuiesce",
  notQuiesced: "NotQuiesced",
  stopReplicationAt: "StopReplicationAtCommitTime",
  replicationStatus: "ReplicationStatus",
  waitForReplication: "WaitForReplication",
  replicationNotStopped: "ReplicationNotStopped",
  reconcile: "Reconcile",
  dataVerified: "DataVerified",
  reconcileStuck: "ReconcileStuck",
  reconcileFailed: "ReconcileFoundDifferences",
  notVerified: "NotVerified",
  notifyNotVerified: "NotifyDataNotVerified",
  waitBeforeReverify: "WaitBeforeReverify",
  countVerifyAttempt: "CountVerifyAttempt",
  dataNotVerifiedGiveUp: "DataNotVerifiedGiveUp",
  verifiedSnapshot: "SnapshotVerifiedData",
  verifiedSnapshotStatus: "VerifiedSnapshotStatus",
  waitForVerifiedSnapshot: "WaitForVerifiedSnapshot",
  verifiedSnapshotFailed: "VerifiedSnapshotFailed",
  unprotectDatabase: "TurnOffDeletionProtection",
  startDestroyRun: "StartDestroyRun",
  destroyRunStatus: "DestroyRunStatus",
  notifyDestroyRunWaiting: "NotifyDestroyRunWaiting",
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

/** The Choice condition that alone lets teardown proceed to its snapshot, deletion protection off and destroy. */
export const VERIFIED_CONDITION = "{% $reconcile.done = true and $reconcile.matched = true %}";

/** Errors worth retrying in place: Lambda service hiccups, throttling, timeouts, and what handlers mark transient. */
export const TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "States.Timeout",
  "TransientError",
] as const;

/** Errors of the post-apply step that settle by themselves (cluster, task or tables still being created). */
export const POST_APPLY_RETRYABLE_ERRORS = ["PostApplyRetryableError", "DataCheckRetryableError"] as const;

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
  const notify = (name: string, kind: string, next: string, catchNext: string, assign?: Record<string, unknown>): AslState =>
    task(
      name,
      fn.notify,
      {
        kind,
        action: js("$action"),
        scheduledAt: js("$scheduledAt"),
        event: js("$event"),
        run: js("$run"),
        verification: { reasons: js("$notVerified") },
        failure: js("$failure"),
        attempt: js("$verifyAttempts + 1"),
        maxAttempts: cfg.verifyMaxAttempts,
        nextCheckSeconds: cfg.verifyRetrySeconds,
      },
      next,
      { catchNext, timeoutSeconds: 60, ...(assign ? { assign } : {}) },
    );
  // The cluster, the DMS task and the application's tables can take minutes after the apply.
  const postApplyRetry = [...retry, { ErrorEquals: [...POST_APPLY_RETRYABLE_ERRORS], IntervalSeconds: 30, MaxAttempts: 10, BackoffRate: 1.5, MaxDelaySeconds: 120 }];
  const fail = (error: string, cause: string): Record<string, unknown> => ({ failure: { step: error, Error: error, Cause: cause } });
  /** Leave the check for the not-verified round (alert, wait, start over) with these reasons. */
  const notVerified = (reasons: string) => ({ Type: "Pass", Assign: { notVerified: js(reasons) }, Next: S.notVerified });
  const runPayload = (action: "start" | "status", destroy: boolean) =>
    action === "start"
      ? {
          action,
          workspace: js("$event.workspace"),
          destroy,
          message: js(`'${destroy ? "Teardown" : "Spin-up"} of ' & $event.name & ' (scheduled ' & $scheduledAt & ', execution ' & $states.context.Execution.Name & ')'`),
        }
      : { action, workspace: js("$event.workspace"), runId: js("$run.runId"), destroy };
  /** start run -> status choice <-> wait/poll loop, ending in `onSuccess` or a failure notification. */
  const runLoop = (
    destroy: boolean,
    names: { start: string; status: string; notifyWaiting: string; wait: string; poll: string; failed: string; timedOut: string },
    onSuccess: string,
  ) => ({
    [names.start]: task(names.start, fn.tfcRun, runPayload("start", destroy), names.status, {
      resultVar: "run",
      assign: { runPolls: 0, runWaitingNotified: false },
      timeoutSeconds: 300,
    }),
    [names.status]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$run.outcome = 'succeeded'"), Next: onSuccess },
        { Condition: js("$run.outcome = 'failed'"), Next: names.failed },
        { Condition: js(`$runPolls >= ${maxRunPolls}`), Next: names.timedOut },
        // A run that cannot move without a person is reported at once, not at the time-out.
        { Condition: js("$exists($run.waiting) and $runWaitingNotified = false"), Next: names.notifyWaiting },
      ],
      Default: names.wait,
    },
    [names.notifyWaiting]: notify(names.notifyWaiting, "run-waiting", names.wait, names.wait, { runWaitingNotified: true }),
    [names.wait]: { Type: "Wait", Seconds: cfg.runPollSeconds, Next: names.poll },
    [names.poll]: task(names.poll, fn.tfcRun, runPayload("status", destroy), names.status, {
      resultVar: "run",
      assign: { runPolls: js("$runPolls + 1") },
      timeoutSeconds: 300,
    }),
    [names.failed]: {
      Type: "Pass",
      Assign: fail(names.failed, js("'run ' & $run.runId & ' ended ' & $run.status & ($exists($run.reason) ? ' (' & $run.reason & ')' : '') & ': ' & $run.url")),
      Next: S.notifyFailure,
    },
    [names.timedOut]: {
      Type: "Pass",
      Assign: fail(names.timedOut, js(`'run ' & $run.runId & ' still ' & $run.status & ' after ${cfg.runTimeoutSeconds} s: ' & $run.url`)),
      Next: S.notifyFailure,
    },
  });
  const snapshotLoop = (
    names: { check: string; status: string; wait: string; failed: string },
    action: "snapshot" | "final-snapshot",
    snapshotId: string,
    onAvailable: string,
    failedCause: string,
  ) => ({
    [names.check]: task(
      names.check,
      fn.eventDatabase,
      { action, clusterId: js("$event.auroraClusterId"), snapshotId: js(snapshotId) },
      names.status,
      { resultVar: "snapshot", assign: { snapshotPolls: js("$snapshotPolls + 1") } },
    ),
    [names.status]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$snapshot.state = 'available'"), Next: onAvailable },
        { Condition: js(`$snapshot.state = 'creating' and $snapshotPolls < ${cfg.statusMaxPolls}`), Next: names.wait },
      ],
      Default: names.failed,
    },
    [names.wait]: { Type: "Wait", Seconds: cfg.statusPollSeconds, Next: names.check },
    [names.failed]: { Type: "Pass", Assign: fail(names.failed, js(failedCause)), Next: S.notifyFailure },
  });

  const states: Record<string, AslState> = {
    [S.init]: {
      Type: "Pass",
      Assign: {
        action: js("$states.input.action"),
        event: js("$states.input.event"),
        scheduledAt: js("$states.input.scheduledAt"),
        run: {},
        quiesce: {},
        replication: {},
        reconcile: {},
        snapshot: {},
        failure: {},
        notVerified: [],
        runPolls: 0,
        runWaitingNotified: false,
        quiescePolls: 0,
        stopPolls: 0,
        reconcileCalls: 0,
        snapshotPolls: 0,
        verifyAttempts: 0,
      },
      Next: S.route,
    },
    [S.route]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$action = 'up'"), Next: S.startApplyRun },
        { Condition: js("$action = 'down'"), Next: S.postponeAutoDestroy },
      ],
      Default: S.unknownAction,
    },
    [S.unknownAction]: { Type: "Fail", Error: "UnknownAction", Cause: "input.action must be \"up\" or \"down\"" },

    // ---- spin-up
    ...runLoop(
      false,
      {
        start: S.startApplyRun,
        status: S.applyRunStatus,
        notifyWaiting: S.notifyApplyRunWaiting,
        wait: S.waitForApplyRun,
        poll: S.pollApplyRun,
        failed: S.applyRunFailed,
        timedOut: S.applyRunTimedOut,
      },
      S.postApply,
    ),
    [S.postApply]: task(
      S.postApply,
      js("$event.postApplyFunctionName"),
      { action: "post-apply", event: js("$event.slug"), workspace: js("$event.workspace"), runId: js("$run.runId") },
      S.checkKeyBlock,
      { timeoutSeconds: 300, retry: postApplyRetry },
    ),
    // Before any row can flow: prod must hold none of the event's keys (a collision stops the spin-up, not the sale).
    [S.checkKeyBlock]: task(S.checkKeyBlock, js("$event.dataCheckFunctionName"), { action: "key-block", event: js("$event.slug") }, S.startReplication, {
      timeoutSeconds: 300,
      retry: postApplyRetry,
    }),
    [S.startReplication]: task(
      S.startReplication,
      js("$event.postApplyFunctionName"),
      { action: "start-replication", event: js("$event.slug"), workspace: js("$event.workspace"), runId: js("$run.runId") },
      S.smokeCheck,
      { timeoutSeconds: 300, retry: postApplyRetry },
    ),
    [S.smokeCheck]: task(S.smokeCheck, fn.smokeCheck, { url: js("$event.smokeCheckUrl") }, S.notifySpunUp, {
      timeoutSeconds: 60,
      // The edge and the services may need minutes after apply; keep trying for about 20 minutes.
      retry: [...retry, { ErrorEquals: ["SmokeCheckFailed"], IntervalSeconds: 30, MaxAttempts: 12, BackoffRate: 1.3, MaxDelaySeconds: 180 }],
    }),
    [S.notifySpunUp]: notify(S.notifySpunUp, "spun-up", S.spunUp, S.notificationFailed),
    [S.spunUp]: { Type: "Succeed" },

    // ---- teardown: nothing below is reachable from here except through the verified rule
    [S.postponeAutoDestroy]: task(
      S.postponeAutoDestroy,
      fn.tfcRun,
      {
        action: "postpone-auto-destroy",
        workspace: js("$event.workspace"),
        notBefore: js(`$fromMillis($toMillis($states.context.State.EnteredTime) + ${cfg.autoDestroyPostponeSeconds * 1000})`),
      },
      S.quiesce,
      // The database's deletion protection stops an early auto-destroy anyway: a failure here must not stop the check.
      { catchNext: S.quiesce, assign: { quiescePolls: 0, stopPolls: 0, reconcileCalls: 0, reconcile: {} } },
    ),
    [S.quiesce]: task(
      S.quiesce,
      fn.quiesce,
      {
        clusterName: js("$event.ecsClusterName"),
        httpServices: js("$event.httpServices"),
        workerServices: js("$event.workerServices"),
        queueName: js("$event.ordersQueueName"),
        deadLetterQueueName: js("$event.ordersDeadLetterQueueName"),
      },
      S.quiesceStatus,
      { resultVar: "quiesce", assign: { quiescePolls: js("$quiescePolls + 1") } },
    ),
    [S.quiesceStatus]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$quiesce.quiesced = true"), Next: S.stopReplicationAt },
        { Condition: js(`$quiesce.phase = 'draining' and $quiescePolls < ${cfg.quiesceMaxPolls}`), Next: S.waitForQuiesce },
      ],
      Default: S.notQuiesced,
    },
    [S.waitForQuiesce]: { Type: "Wait", Seconds: cfg.quiescePollSeconds, Next: S.quiesce },
    [S.notQuiesced]: notVerified("$append(['the event is not quiesced'], $quiesce.reasons)"),
    [S.stopReplicationAt]: task(
      S.stopReplicationAt,
      fn.dmsReplication,
      { action: "stop-at", taskId: js("$event.dmsTaskId"), commitTime: js("$quiesce.quiescedAt") },
      S.replicationStatus,
      { resultVar: "replication", assign: { stopPolls: js("$stopPolls + 1") } },
    ),
    [S.replicationStatus]: {
      Type: "Choice",
      Choices: [
        { Condition: js("$replication.stoppedAtCommitTime = true"), Next: S.reconcile },
        { Condition: js(`$stopPolls < ${cfg.statusMaxPolls}`), Next: S.waitForReplication },
      ],
      Default: S.replicationNotStopped,
    },
    [S.waitForReplication]: { Type: "Wait", Seconds: cfg.statusPollSeconds, Next: S.stopReplicationAt },
    [S.replicationNotStopped]: notVerified("['DMS task ' & $event.dmsTaskId & ' did not stop at ' & $quiesce.quiescedAt & ': ' & $replication.detail]"),
    [S.reconcile]: task(
      S.reconcile,
      js("$event.dataCheckFunctionName"),
      // A first call has no cursor: null, since an expression may not return nothing.
      { action: "reconcile", event: js("$event.slug"), cursor: js("$exists($reconcile.cursor) ? $reconcile.cursor : null") },
      S.dataVerified,
      { resultVar: "reconcile", assign: { reconcileCalls: js("$reconcileCalls + 1") }, timeoutSeconds: cfg.reconcileBudgetSeconds + 120 },
    ),
    [S.dataVerified]: {
      Type: "Choice",
      Choices: [
        { Condition: VERIFIED_CONDITION, Next: S.verifiedSnapshot },
        { Condition: js(`$reconcile.done = false and $reconcileCalls < ${cfg.reconcileMaxCalls}`), Next: S.reconcile },
        { Condition: js("$reconcile.done = false"), Next: S.reconcileStuck },
      ],
      Default: S.reconcileFailed,
    },
    [S.reconcileFailed]: notVerified("['reconciliation found differences: ' & $reconcile.summary]"),
    [S.reconcileStuck]: notVerified(`['reconciliation did not finish in ${cfg.reconcileMaxCalls} calls']`),
    [S.notVerified]: {
      Type: "Choice",
      Choices: [{ Condition: js(`$verifyAttempts + 1 >= ${cfg.verifyMaxAttempts}`), Next: S.dataNotVerifiedGiveUp }],
      Default: S.notifyNotVerified,
    },
    // An alert that cannot be sent must not stop the checks: go on waiting either way.
    [S.notifyNotVerified]: notify(S.notifyNotVerified, "not-verified", S.waitBeforeReverify, S.waitBeforeReverify),
    [S.waitBeforeReverify]: { Type: "Wait", Seconds: cfg.verifyRetrySeconds, Next: S.countVerifyAttempt },
    [S.countVerifyAttempt]: { Type: "Pass", Assign: { verifyAttempts: js("$verifyAttempts + 1") }, Next: S.postponeAutoDestroy },
    [S.dataNotVerifiedGiveUp]: {
      Type: "Pass",
      Assign: fail(
        "DataNotVerified",
        js(`'data of ' & $event.name & ' not verified after ${cfg.verifyMaxAttempts} checks; the environment was NOT destroyed: ' & $join($notVerified, '; ')`),
      ),
      Next: S.notifyFailure,
    },
    ...snapshotLoop(
      { check: S.verifiedSnapshot, status: S.verifiedSnapshotStatus, wait: S.waitForVerifiedSnapshot, failed: S.verifiedSnapshotFailed },
      "snapshot",
      "$event.verifiedSnapshotId",
      S.unprotectDatabase,
      "'snapshot ' & $event.verifiedSnapshotId & ' is ' & $snapshot.state & ($exists($snapshot.detail) ? ' (' & $snapshot.detail & ')' : '') & '; not destroying'",
    ),
    [S.unprotectDatabase]: task(S.unprotectDatabase, fn.eventDatabase, { action: "unprotect", clusterId: js("$event.auroraClusterId") }, S.startDestroyRun, {
      assign: { snapshotPolls: 0 },
    }),
    ...runLoop(
      true,
      {
        start: S.startDestroyRun,
        status: S.destroyRunStatus,
        notifyWaiting: S.notifyDestroyRunWaiting,
        wait: S.waitForDestroyRun,
        poll: S.pollDestroyRun,
        failed: S.destroyRunFailed,
        timedOut: S.destroyRunTimedOut,
      },
      S.checkFinalSnapshot,
    ),
    ...snapshotLoop(
      { check: S.checkFinalSnapshot, status: S.finalSnapshotStatus, wait: S.waitForFinalSnapshot, failed: S.finalSnapshotMissing },
      "final-snapshot",
      "$event.finalSnapshotId",
      S.notifyTornDown,
      "'final snapshot ' & $event.finalSnapshotId & ' is ' & $snapshot.state & ' after the destroy run'",
    ),
    [S.notifyTornDown]: notify(S.notifyTornDown, "torn-down", S.tornDown, S.notificationFailed),
    [S.tornDown]: { Type: "Succeed" },

    // ---- failure
    [S.notifyFailure]: notify(S.notifyFailure, "failed", S.lifecycleFailed, S.notificationFailed),
    [S.lifecycleFailed]: { Type: "Fail", Error: "LifecycleFailed", Cause: "A lifecycle step failed; the notification and the execution history say which and why" },
    [S.notificationFailed]: { Type: "Fail", Error: "NotificationFailed", Cause: "A lifecycle notification could not be sent; see the execution history" },
  };

  const upBound = cfg.runTimeoutSeconds + 3600;
  const checkBound = cfg.quiesceMaxPolls * cfg.quiescePollSeconds + cfg.statusMaxPolls * cfg.statusPollSeconds + cfg.reconcileMaxCalls * cfg.reconcileBudgetSeconds;
  const downBound = cfg.verifyMaxAttempts * (cfg.verifyRetrySeconds + 600) + checkBound + 2 * cfg.statusMaxPolls * cfg.statusPollSeconds + cfg.runTimeoutSeconds + 3600;
  return {
    Comment: "flashcrowd event lifecycle: scheduled spin-up, and teardown only after the event's data is verified in prod",
    QueryLanguage: "JSONata",
    StartAt: S.init,
    // Step Functions allows a year at most.
    TimeoutSeconds: Math.min(Math.max(upBound, downBound), 365 * 24 * 3600),
    States: states,
  };
}
