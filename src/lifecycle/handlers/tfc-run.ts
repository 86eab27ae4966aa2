/**
 * Lambda: starts or reads a Terraform Cloud run on an event workspace, for the state machine to
 * poll, and moves the workspace's auto-destroy later while the event's data is unverified.
 *
 * - Runs are pinned to the configuration version recorded when the event stack was uploaded on
 *   merge; without one the start is refused (a person must upload), never run on whatever the
 *   workspace holds last.
 * - Starting is idempotent (a run with the same marker still under way is followed), so a
 *   schedule that fires twice or a retried step never queues a second run.
 * - Outcomes are judged against the intent: a plan-only, speculative or saved-plan run never
 *   counts as an apply or a destroy.
 * - A run that cannot progress by itself (queued behind another run, workspace locked, policy
 *   override, run task decision) is reported as `waiting` with what to do, at the first poll.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { TfcClient, type Run } from "../../tfc/client";
import { isRetryable } from "../../tfc/errors";
import { classifyRun, runMarker, runWaiting, startRun, uploadedConfiguration, whyNotSucceeded, type RunOutcome, type RunWaiting } from "../../tfc/runs";
import { parsePayload, tfcRunRequestSchema } from "../contracts";
import { TransientError, requireEnv, secretReader } from "./runtime";

export type { TfcRunRequest } from "../contracts";

export interface TfcRunResult {
  readonly runId: string;
  readonly status: string;
  /** succeeded | failed | pending (a run waiting for confirmation is confirmed and reported pending). */
  readonly outcome: RunOutcome;
  readonly url: string;
  /** start: false when a run already under way was followed. */
  readonly created?: boolean;
  /** The configuration version the run uses. */
  readonly configurationVersionId?: string;
  /** Set while the run cannot progress without a person. */
  readonly waiting?: RunWaiting;
  /** Set when the outcome is failed: why, in words. */
  readonly reason?: string;
}

export interface PostponeResult {
  /** The workspace's auto-destroy time after this call, or null when none is set. */
  readonly autoDestroyAt: string | null;
  readonly moved: boolean;
}

export interface TfcRunDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly readSecret: (secretId: string) => Promise<string>;
  readonly fetch?: typeof fetch;
  /** Backoff sleep of the API client. @default real time */
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createTfcRunHandler(deps: TfcRunDeps): (input: unknown) => Promise<TfcRunResult | PostponeResult> {
  return async (input) => {
    const request = parsePayload(tfcRunRequestSchema, input, "tfc-run");
    const organization = requireEnv(deps.env, "TFC_ORG");
    const token = await deps.readSecret(requireEnv(deps.env, "TFC_TOKEN_SECRET_ARN"));
    const client = new TfcClient({ address: requireEnv(deps.env, "TFC_ADDRESS"), token, fetch: deps.fetch, sleep: deps.sleep });
    const url = (runId: string) => client.runUrl(organization, request.workspace, runId);
    try {
      const ws = await client.workspace(organization, request.workspace);
      const intent = request.action !== "postpone-auto-destroy" && request.destroy ? "destroy" : "apply";
      /** What the state machine learns of a run: its outcome for the intent, what holds it, why it failed. */
      const report = (run: Run, outcome: RunOutcome): TfcRunResult => {
        const waiting = runWaiting(run, ws, url(run.id));
        return {
          runId: run.id,
          status: run.status,
          outcome,
          url: url(run.id),
          ...(run.configurationVersionId ? { configurationVersionId: run.configurationVersionId } : {}),
          ...(waiting ? { waiting } : {}),
          ...(outcome === "failed" ? { reason: whyNotSucceeded(run, intent) } : {}),
        };
      };
      switch (request.action) {
        case "start": {
          const configurationVersionId = await uploadedConfiguration(client, ws.id, request.workspace);
          const { run, created } = await startRun(client, {
            workspaceId: ws.id,
            isDestroy: request.destroy,
            autoApply: true,
            message: request.message,
            marker: runMarker(request.workspace, intent),
            configurationVersionId,
          });
          return { ...report({ ...run, configurationVersionId: run.configurationVersionId ?? configurationVersionId }, settle(classifyRun(run, intent))), created };
        }
        case "status": {
          const run = await client.run(request.runId);
          let outcome = classifyRun(run, intent);
          if (outcome === "needs-confirmation") {
            // The lifecycle always means to apply; a workspace policy that paused the run is confirmed here.
            await client.applyRun(run.id, "Confirmed by the flashcrowd lifecycle");
            outcome = "pending";
          }
          return report(run, outcome);
        }
        case "postpone-auto-destroy": {
          // Nothing to move when the workspace has no auto-destroy (an organization without it, or off in config).
          if (!ws.autoDestroyAt) return { autoDestroyAt: null, moved: false };
          if (Date.parse(ws.autoDestroyAt) >= Date.parse(request.notBefore)) return { autoDestroyAt: ws.autoDestroyAt, moved: false };
          await client.setAutoDestroyAt(ws.id, request.notBefore);
          return { autoDestroyAt: request.notBefore, moved: true };
        }
      }
    } catch (error) {
      if (isRetryable(error)) throw new TransientError((error as Error).message);
      throw error;
    }
  };
}

/** A run that waits for confirmation right after start is reported pending; the next status call confirms it. */
function settle(outcome: RunOutcome): RunOutcome {
  return outcome === "needs-confirmation" ? "pending" : outcome;
}

export const handler = createTfcRunHandler({ env: process.env, readSecret: secretReader(new SecretsManagerClient({})) });
