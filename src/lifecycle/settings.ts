/**
 * Timing and limits of the event lifecycle. Project policy rather than per-environment config, so
 * they live here with their reasons; the control stack takes overrides for tests and special cases.
 */
export interface LifecycleSettings {
  /** Seconds between two reads of a Terraform Cloud run. */
  readonly runPollSeconds: number;
  /** Longest an apply or destroy run may take before the lifecycle gives up and alerts. */
  readonly runTimeoutSeconds: number;
  /** Seconds between two quiesce calls while tasks stop and the order queue drains. */
  readonly quiescePollSeconds: number;
  /** Quiesce calls before draining counts as not done (alert, wait, start over). */
  readonly quiesceMaxPolls: number;
  /** Time one reconciliation call may take before it returns its cursor. */
  readonly reconcileBudgetSeconds: number;
  /** Reconciliation calls of one check before it counts as stuck. */
  readonly reconcileMaxCalls: number;
  /**
   * While the data is unverified, the workspace's auto-destroy (when set) is moved to at least
   * this long after each check, so no safety net fires on data nobody has verified.
   */
  readonly autoDestroyPostponeSeconds: number;
  /** Wait between two data checks while the event's data is not verified. */
  readonly verifyRetrySeconds: number;
  /** Data checks before teardown gives up (without destroying) and leaves it to a person. */
  readonly verifyMaxAttempts: number;
  /** Seconds between two reads of the DMS task (stopping) or the final snapshot (creating). */
  readonly statusPollSeconds: number;
  /** Reads of the DMS task or the final snapshot before giving up. */
  readonly statusMaxPolls: number;
  /** Retention of the lifecycle's log groups (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /**
   * Reserved concurrency of each lifecycle function: caps what a runaway loop can do, and keeps
   * capacity for teardown when the account is busy. Each reserved unit leaves the account's
   * unreserved pool, which AWS keeps at 100 or more.
   */
  readonly reservedConcurrency: number;
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  runPollSeconds: 30,
  runTimeoutSeconds: 2 * 60 * 60,
  quiescePollSeconds: 30,
  // Half an hour for the request-serving tasks to stop and the worker to empty the order queue.
  quiesceMaxPolls: 60,
  // A Lambda invocation has 15 minutes; a minute per call keeps each well inside it and the cursor small.
  reconcileBudgetSeconds: 60,
  // 1000 one-minute calls: over 16 hours of reconciliation before the loop is judged stuck.
  reconcileMaxCalls: 1000,
  autoDestroyPostponeSeconds: 24 * 60 * 60,
  verifyRetrySeconds: 15 * 60,
  // 16 checks 15 minutes apart: four hours for DMS to catch up before a person must decide.
  verifyMaxAttempts: 16,
  statusPollSeconds: 30,
  statusMaxPolls: 40,
  logRetentionDays: 90,
  reservedConcurrency: 2,
};
