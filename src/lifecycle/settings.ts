/**
 * Timing and limits of the event lifecycle. Project policy rather than per-environment config, so
 * they live here with their reasons; the control stack takes overrides for tests and special cases.
 */
export interface LifecycleSettings {
  /** Seconds between two reads of a Terraform Cloud run. */
  readonly runPollSeconds: number;
  /** Longest an apply or destroy run may take before the lifecycle gives up and alerts. */
  readonly runTimeoutSeconds: number;
  /** DMS CDC latency (source and target) at or below which replication counts as caught up ("~0"). */
  readonly maxCdcLatencySeconds: number;
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
  maxCdcLatencySeconds: 5,
  verifyRetrySeconds: 15 * 60,
  // 16 checks 15 minutes apart: four hours for DMS to catch up before a person must decide.
  verifyMaxAttempts: 16,
  statusPollSeconds: 30,
  statusMaxPolls: 40,
  logRetentionDays: 90,
  reservedConcurrency: 2,
};
