/**
 * Starting and following runs safely: one run per intent (a marker in the run message makes a
 * repeated trigger follow the run already under way instead of queueing another), and a wait that
 * ends in a clear outcome.
 */
import type { Run, TfcClient, Workspace } from "./client";
import { TfcTimeoutError, isRetryable } from "./errors";

/** Statuses after which a run never changes again. */
export const FINAL_STATUSES = [
  "applied",
  "planned_and_finished",
  "planned_and_saved",
  "errored",
  "canceled",
  "discarded",
  "force_canceled",
  "policy_soft_failed",
] as const;

/**
 * - `succeeded` / `failed`: final, judged against what was asked (see {@link classifyRun});
 * - `needs-confirmation`: the plan is done and waits for someone to apply it;
 * - `pending`: anything else (queued, planning, applying, policy override, ...).
 */
export type RunOutcome = "succeeded" | "failed" | "needs-confirmation" | "pending";

/**
 * The outcome of a run for an apply or destroy intent. Only a run that changed the infrastructure
 * the way it was asked counts: `applied` (and of the right kind), or `planned_and_finished` of a
 * run that could have applied but had nothing to change. A plan-only or speculative run
 * (`planned_and_finished` with changes) and a saved plan (`planned_and_saved`) changed nothing,
 * whatever their status says, so for an apply or destroy they are failures.
 */
export function classifyRun(
  run: Pick<Run, "status" | "confirmable"> & Partial<Pick<Run, "isDestroy" | "planOnly" | "hasChanges">>,
  intent?: RunKind,
): RunOutcome {
  const isFinal = (FINAL_STATUSES as readonly string[]).includes(run.status);
  if (isFinal) {
    if (run.status === "applied") return intent === undefined || (intent === "destroy") === (run.isDestroy ?? false) ? "succeeded" : "failed";
    if (run.status === "planned_and_finished") {
      if (intent === undefined) return "succeeded";
      return !run.planOnly && run.hasChanges === false && (intent === "destroy") === (run.isDestroy ?? false) ? "succeeded" : "failed";
    }
    return "failed";
  }
  if (run.planOnly && intent !== undefined) return "failed";
  if (run.confirmable) return "needs-confirmation";
  return "pending";
}

/** Why a final run did not do what an intent asked, in words. */
export function whyNotSucceeded(run: Pick<Run, "status" | "planOnly" | "isDestroy" | "hasChanges">, intent: RunKind): string {
  if (run.planOnly) return `a plan-only run (status ${run.status}) never applies`;
  if (run.status === "planned_and_saved") return "a saved plan was not applied";
  if (run.status === "planned_and_finished" && run.hasChanges) return "the plan finished without applying its changes";
  if ((intent === "destroy") !== run.isDestroy) return `the run is ${run.isDestroy ? "a destroy" : "an apply"}, not ${intent === "destroy" ? "a destroy" : "an apply"}`;
  return `the run ended ${run.status}`;
}

/** What a non-final run is waiting for that needs a person, or undefined when it is just working. */
export interface RunWaiting {
  readonly reason: "queued" | "locked" | "policy-override" | "awaiting-decision";
  /** One sentence: what holds the run and what to do. */
  readonly advice: string;
}

/**
 * A run that makes no progress by itself: behind another run, held by a workspace lock, stopped at
 * a soft-failed policy check, or waiting for a run task decision. Each is reported at once so a
 * person can act long before the run's time-out.
 */
export function runWaiting(run: Pick<Run, "id" | "status" | "positionInQueue">, workspace: Pick<Workspace, "locked" | "lockedBy" | "currentRunId">, url: string): RunWaiting | undefined {
  if (run.status === "policy_override") {
    return { reason: "policy-override", advice: `a policy check failed softly: someone with override rights must override or discard ${run.id} at ${url}` };
  }
  if (run.status === "post_plan_awaiting_decision" || run.status === "pre_apply_awaiting_decision") {
    return { reason: "awaiting-decision", advice: `a run task waits for a decision on ${run.id} at ${url}` };
  }
  if (run.status !== "pending") return undefined;
  if (workspace.locked && workspace.lockedBy !== run.id) {
    return { reason: "locked", advice: `the workspace is locked${workspace.lockedBy ? ` by ${workspace.lockedBy}` : ""}: unlock it (Settings > Locking) or wait for whoever holds it; ${run.id} starts then` };
  }
  if ((run.positionInQueue ?? 0) > 0 || (workspace.currentRunId !== undefined && workspace.currentRunId !== run.id)) {
    return {
      reason: "queued",
      advice: `${run.id} is queued behind ${workspace.currentRunId ?? "another run"}${run.positionInQueue ? ` (position ${run.positionInQueue})` : ""}: let that run finish, or discard or cancel it if it is stale`,
    };
  }
  return undefined;
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
  /** Pin the run to this configuration version. @default the workspace's latest */
  readonly configurationVersionId?: string;
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
        configurationVersionId: options.configurationVersionId,
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
  return runs.find((r) => r.message.includes(marker) && !r.planOnly && !(FINAL_STATUSES as readonly string[]).includes(r.status));
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

/**
 * Workspace variable (environment category) naming the configuration version uploaded on merge.
 * The lifecycle pins its runs to it, so a later speculative plan, a plan-only run or a CLI upload
 * from a branch never becomes what a scheduled apply or destroy runs.
 */
export const UPLOADED_CONFIGURATION_VARIABLE = "FLASHCROWD_CONFIGURATION_VERSION";

/** Records `configurationVersionId` as the one the lifecycle's runs use. */
export async function recordUploadedConfiguration(client: TfcClient, workspaceId: string, configurationVersionId: string): Promise<void> {
  await client.setVariable(workspaceId, {
    key: UPLOADED_CONFIGURATION_VARIABLE,
    value: configurationVersionId,
    category: "env",
    description: "Set by `flashcrowd tfc upload` on merge: the configuration version the event lifecycle applies and destroys. Do not edit by hand.",
  });
}

/** No usable configuration was uploaded: a person must run the deploy workflow (or `flashcrowd tfc upload`). */
export class NoUploadedConfiguration extends Error {
  override readonly name = "NoUploadedConfiguration";
}

/** The recorded configuration version of the workspace, checked to be uploaded, not speculative and the workspace's own. */
export async function uploadedConfiguration(client: TfcClient, workspaceId: string, workspaceName: string): Promise<string> {
  const recorded = (await client.variables(workspaceId)).find((v) => v.key === UPLOADED_CONFIGURATION_VARIABLE && v.category === "env")?.value;
  const fix = `run the deploy workflow on main (or \`npx flashcrowd tfc upload ${workspaceName.replace(/^.*?-(event-)/, "$1")}\`) to upload and record it`;
  if (!recorded) throw new NoUploadedConfiguration(`${workspaceName} has no recorded configuration version (${UPLOADED_CONFIGURATION_VARIABLE}); ${fix}`);
  const cv = await client.configurationVersion(recorded);
  if (cv.workspaceId !== undefined && cv.workspaceId !== workspaceId) {
    throw new NoUploadedConfiguration(`${UPLOADED_CONFIGURATION_VARIABLE} of ${workspaceName} names ${recorded}, which belongs to another workspace; ${fix}`);
  }
  if (cv.speculative) throw new NoUploadedConfiguration(`${UPLOADED_CONFIGURATION_VARIABLE} of ${workspaceName} names ${recorded}, a speculative version that can never apply; ${fix}`);
  if (cv.status !== "uploaded") throw new NoUploadedConfiguration(`configuration version ${recorded} of ${workspaceName} is ${cv.status}, not uploaded; ${fix}`);
  return recorded;
}
