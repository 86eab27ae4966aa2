/**
 * Lambda: starts or reads a Terraform Cloud run on an event workspace, for the state machine to
 * poll. Starting is idempotent (a run with the same marker still under way is followed), so a
 * schedule that fires twice or a retried step never queues a second run.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { TfcClient } from "../../tfc/client";
import { isRetryable } from "../../tfc/errors";
import { classifyRun, runMarker, startRun, type RunOutcome } from "../../tfc/runs";
import { TransientError, requireEnv, secretReader } from "./runtime";

export interface TfcRunRequest {
  readonly action: "start" | "status";
  readonly workspace: string;
  /** start: a destroy run instead of an apply run. */
  readonly destroy?: boolean;
  /** start: the run's message (the marker is appended). */
  readonly message?: string;
  /** status: the run to read. */
  readonly runId?: string;
}

export interface TfcRunResult {
  readonly runId: string;
  readonly status: string;
  /** succeeded | failed | pending (a run waiting for confirmation is confirmed and reported pending). */
  readonly outcome: RunOutcome;
  readonly url: string;
  /** start: false when a run already under way was followed. */
  readonly created?: boolean;
}

export interface TfcRunDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly readSecret: (secretId: string) => Promise<string>;
  readonly fetch?: typeof fetch;
  /** Backoff sleep of the API client. @default real time */
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createTfcRunHandler(deps: TfcRunDeps): (request: TfcRunRequest) => Promise<TfcRunResult> {
  return async (request) => {
    const organization = requireEnv(deps.env, "TFC_ORG");
    const token = await deps.readSecret(requireEnv(deps.env, "TFC_TOKEN_SECRET_ARN"));
    const client = new TfcClient({ address: requireEnv(deps.env, "TFC_ADDRESS"), token, fetch: deps.fetch, sleep: deps.sleep });
    const url = (runId: string) => client.runUrl(organization, request.workspace, runId);
    try {
      if (request.action === "start") {
        const ws = await client.workspace(organization, request.workspace);
        const destroy = request.destroy === true;
        const { run, created } = await startRun(client, {
          workspaceId: ws.id,
          isDestroy: destroy,
          autoApply: true,
          message: request.message ?? `${destroy ? "Teardown" : "Spin-up"} by the flashcrowd lifecycle`,
          marker: runMarker(request.workspace, destroy ? "destroy" : "apply"),
        });
        return { runId: run.id, status: run.status, outcome: settle(classifyRun(run)), url: url(run.id), created };
      }
      if (request.action === "status") {
        if (!request.runId) throw new Error("status needs runId");
        const run = await client.run(request.runId);
        let outcome = classifyRun(run);
        if (outcome === "needs-confirmation") {
          // The lifecycle always means to apply; a workspace policy that paused the run is confirmed here.
          await client.applyRun(run.id, "Confirmed by the flashcrowd lifecycle");
          outcome = "pending";
        }
        return { runId: run.id, status: run.status, outcome, url: url(run.id) };
      }
      throw new Error(`unknown action "${String((request as { action?: unknown }).action)}"`);
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
