/**
 * Starting and following runs safely: one run per intent (a marker in the run message makes a
 * repeated trigger follow the run already under way instead of queueing another), and a wait that
 * ends in a clear outcome.
 */
import type { Run, TfcClient } from "./client";
import { TfcTimeoutError, isRetryable } from "./errors";

/** Final statuses that mean the run did what it was asked to. */
export const SUCCEEDED_STATUSES = ["applied", "planned_and_finished", "planned_and_saved"] as const;
/** Final statuses that mean it did not. */
export const FAILED_STATUSES = ["errored", "canceled", "discarded", "force_canceled", "policy_soft_failed"] as const;

/**
 * - `succeeded` / `failed`: final;
 * - `needs-confirmation`: the plan is done and waits for someone to apply it;
 * - `pending`: anything else (queued, planning, applying, policy override, ...).
 */
export type RunOutcome = "succeeded" | "failed" | "needs-confirmation" | "pending";

export function classifyRun(run: Pick<Run, "status" | "confirmable">): RunOutcome {
  if ((SUCCEEDED_STATUSES as readonly string[]).includes(run.status)) return "succeeded";
  if ((FAILED_STATUSES as readonly string[]).includes(run.status)) return "failed";
  if (run.confirmable) return "needs-confirmation";
  return "pending";
}

export type RunKind = "apply" | "destroy";

/**
 * Marker put in a run's message: the same for every trigger of the same intent on the same
 * workspace (the scheduled lifecycle, the CLI and the manual workflow alike), so any of them finds
 * a run another one started.
 */
export function runMarker(workspace: string, kind: RunKind): string {
  return `[flashcrowd:${workspace}:${kind}]`;
}

export interface StartRunOptions {
  readonly workspaceId: string;
  readonly isDestroy: boolean;
  readonly autoApply?: boolean;
  /** Human message; the marker is appended. */
  readonly message: string;
  readonly marker: string;
  /** Attempts to create the run when the answer was lost. @default 3 */
  readonly attempts?: number;
}

export interface StartedRun {
  readonly run: Run;
  /** False when a non-final run with the same marker existed and is followed instead. */
  readonly created: boolean;
}

/**
 * Starts a run unless one with the same marker is still under way. After a lost answer or a 5xx
 * the runs are listed again before another attempt, so a request that did reach Terraform Cloud
 * does not queue a second run.
 */
export async function startRun(client: TfcClient, options: StartRunOptions): Promise<StartedRun> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const existing = await findRunWithMarker(client, options.workspaceId, options.marker);
    if (existing) return { run: existing, created: false };
    try {
      const run = await client.createRun(options.workspaceId, {
        isDestroy: options.isDestroy,
        autoApply: options.autoApply,
        message: `${options.message} ${options.marker}`.trim(),
      });
      return { run, created: true };
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
    }
  }
}

/** The newest non-final run of the workspace whose message carries `marker`. */
export async function findRunWithMarker(client: TfcClient, workspaceId: string, marker: string): Promise<Run | undefined> {
  const runs = await client.listRuns(workspaceId, { statusGroup: "non_final" });
  return runs.find((r) => r.message.includes(marker) && classifyRun(r) !== "succeeded" && classifyRun(r) !== "failed");
}

export interface WaitOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Confirm the run when it waits for confirmation (the intent was to apply without a human). @default false */
  readonly confirm?: boolean;
  /** Called with the run whenever its status changes (and once at the start). */
  readonly onStatus?: (run: Run) => void;
  /** Called once when the run waits for confirmation and `confirm` is off. */
  readonly onNeedsConfirmation?: (run: Run) => void;
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: () => number;
}

/** Follows a run to a final status; throws {@link TfcTimeoutError} when it takes longer than allowed. */
export async function waitForRun(client: TfcClient, runId: string, options: WaitOptions): Promise<Run> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clock = options.clock ?? Date.now;
  const pollMs = options.pollIntervalMs ?? 5_000;
  const deadline = clock() + options.timeoutMs;
  let lastStatus = "";
  let confirmed = false;
  let announced = false;
  for (;;) {
    const run = await client.run(runId);
    if (run.status !== lastStatus) {
      lastStatus = run.status;
      options.onStatus?.(run);
    }
    const outcome = classifyRun(run);
    if (outcome === "succeeded" || outcome === "failed") return run;
    if (outcome === "needs-confirmation") {
      if (options.confirm && !confirmed) {
        await client.applyRun(runId, "Confirmed by the flashcrowd lifecycle");
        confirmed = true;
      } else if (!options.confirm && !announced) {
        announced = true;
        options.onNeedsConfirmation?.(run);
      }
    }
    if (clock() >= deadline) {
      throw new TfcTimeoutError(`run ${runId} still ${run.status} after ${Math.round(options.timeoutMs / 1000)} s`, run.status);
    }
    await sleep(pollMs);
  }
}
