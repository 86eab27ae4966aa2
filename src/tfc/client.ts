/**
 * Terraform Cloud (HCP Terraform) API client: the few endpoints the lifecycle needs, typed.
 *
 * Endpoints: workspace by organization + name, configuration versions (create, show, upload), runs
 * (create, show, list per workspace, apply), and a plan's JSON output. Written on fetch rather than
 * taken from a package because no maintained JavaScript client covers these with the retry and
 * idempotency rules the lifecycle needs; the whole surface is a few hundred lines.
 */
import { TfcTimeoutError } from "./errors";
import { JsonApiTransport, defaultSleep, type TransportOptions } from "./transport";

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly organization: string;
  readonly locked: boolean;
  readonly autoApply: boolean;
  readonly resourceCount?: number;
  readonly terraformVersion?: string;
  /** Run that is applying or the latest run, if any. */
  readonly currentRunId?: string;
  readonly latestRunId?: string;
  /** Who holds the lock (a user, team or run id), when locked. */
  readonly lockedBy?: string;
  /** ISO time of a scheduled auto-destroy, when set. */
  readonly autoDestroyAt?: string;
}

/** A workspace variable (Terraform or environment). */
export interface WorkspaceVariable {
  readonly id: string;
  readonly key: string;
  /** Empty for sensitive variables, whose values the API never returns. */
  readonly value: string;
  readonly category: "terraform" | "env";
  readonly sensitive: boolean;
}

export interface ConfigurationVersion {
  readonly id: string;
  /** pending | fetching | uploaded | archived | errored */
  readonly status: string;
  readonly uploadUrl?: string;
  readonly error?: string;
  /** Speculative versions serve plan-only runs (pull requests); they can never be applied. */
  readonly speculative: boolean;
  readonly workspaceId?: string;
}

export interface Run {
  readonly id: string;
  readonly status: string;
  readonly message: string;
  readonly isDestroy: boolean;
  readonly autoApply: boolean;
  readonly createdAt: string;
  /** Paused waiting for someone to confirm the plan. */
  readonly confirmable: boolean;
  readonly hasChanges: boolean;
  readonly planId?: string;
  readonly workspaceId?: string;
  /** A plan-only run (speculative, or created with plan-only): it never applies. */
  readonly planOnly: boolean;
  /** A saved-plan run (`save-plan`): it ends `planned_and_saved` and applies only when confirmed later. */
  readonly savePlan: boolean;
  /** Runs ahead of this one in the workspace's queue (0 when next or running). */
  readonly positionInQueue?: number;
  readonly configurationVersionId?: string;
}

export interface CreateRunOptions {
  readonly isDestroy: boolean;
  /** Apply without confirmation once the plan succeeds. @default the workspace's setting */
  readonly autoApply?: boolean;
  readonly message: string;
  /** @default the workspace's latest configuration version */
  readonly configurationVersionId?: string;
}

export interface TfcClientOptions extends TransportOptions {
  /** Poll interval of waits. @default 5 s */
  readonly pollIntervalMs?: number;
  /** Monotonic-enough clock for wait deadlines. @default Date.now */
  readonly clock?: () => number;
}

interface Resource<A> {
  readonly id: string;
  readonly type: string;
  readonly attributes: A;
  readonly relationships?: Record<string, { data?: { id: string; type: string } | null }>;
}
interface Document<A> {
  readonly data: Resource<A>;
}
interface ListDocument<A> {
  readonly data: Resource<A>[];
}

interface WorkspaceAttributes {
  name: string;
  locked?: boolean;
  "auto-apply"?: boolean;
  "resource-count"?: number;
  "terraform-version"?: string;
  "auto-destroy-at"?: string | null;
}
interface ConfigurationVersionAttributes {
  status: string;
  "upload-url"?: string;
  error?: string | null;
  "error-message"?: string | null;
  speculative?: boolean;
}
interface RunAttributes {
  status: string;
  message?: string | null;
  "is-destroy"?: boolean;
  "auto-apply"?: boolean;
  "created-at"?: string;
  "has-changes"?: boolean;
  "plan-only"?: boolean;
  "save-plan"?: boolean;
  "position-in-queue"?: number;
  actions?: { "is-confirmable"?: boolean };
}
interface VariableAttributes {
  key: string;
  value?: string | null;
  category: "terraform" | "env";
  sensitive?: boolean;
  description?: string | null;
}

export class TfcClient {
  readonly transport: JsonApiTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => number;
  private readonly pollIntervalMs: number;

  constructor(options: TfcClientOptions) {
    this.transport = new JsonApiTransport(options);
    this.sleep = options.sleep ?? defaultSleep;
    this.clock = options.clock ?? Date.now;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
  }

  get address(): string {
    return this.transport.address;
  }

  /** Browser URL of a run. */
  runUrl(organization: string, workspace: string, runId: string): string {
    return `${this.address}/app/${encodeURIComponent(organization)}/workspaces/${encodeURIComponent(workspace)}/runs/${runId}`;
  }

  async workspace(organization: string, name: string): Promise<Workspace> {
    const doc = await this.get<Document<WorkspaceAttributes>>(
      `/organizations/${encodeURIComponent(organization)}/workspaces/${encodeURIComponent(name)}`,
    );
    const a = doc.data.attributes;
    return {
      id: doc.data.id,
      name: a.name,
      organization,
      locked: a.locked ?? false,
      autoApply: a["auto-apply"] ?? false,
      resourceCount: a["resource-count"],
      terraformVersion: a["terraform-version"],
      currentRunId: doc.data.relationships?.["current-run"]?.data?.id,
      latestRunId: doc.data.relationships?.["latest-run"]?.data?.id,
      lockedBy: doc.data.relationships?.["locked-by"]?.data?.id,
      autoDestroyAt: a["auto-destroy-at"] ?? undefined,
    };
  }

  /** Sets (or clears, with null) a workspace's scheduled auto-destroy time. */
  async setAutoDestroyAt(workspaceId: string, at: string | null): Promise<void> {
    await this.transport.request("PATCH", `/workspaces/${workspaceId}`, {
      // Setting the same time twice has the same effect: safe to retry.
      idempotent: true,
      body: { data: { type: "workspaces", attributes: { "auto-destroy-at": at } } },
    });
  }

  /** The workspace's variables (sensitive values come back empty). */
  async variables(workspaceId: string): Promise<WorkspaceVariable[]> {
    const doc = await this.get<ListDocument<VariableAttributes>>(`/workspaces/${workspaceId}/vars`);
    return doc.data.map((v) => ({
      id: v.id,
      key: v.attributes.key,
      value: v.attributes.value ?? "",
      category: v.attributes.category,
      sensitive: v.attributes.sensitive ?? false,
    }));
  }

  /** Creates or updates a non-sensitive workspace variable. */
  async setVariable(workspaceId: string, variable: { key: string; value: string; category: "terraform" | "env"; description: string }): Promise<void> {
    const existing = (await this.variables(workspaceId)).find((v) => v.key === variable.key && v.category === variable.category);
    const attributes = { key: variable.key, value: variable.value, category: variable.category, description: variable.description, sensitive: false, hcl: false };
    if (existing) {
      await this.transport.request("PATCH", `/workspaces/${workspaceId}/vars/${existing.id}`, {
        idempotent: true,
        body: { data: { type: "vars", id: existing.id, attributes } },
      });
    } else {
      await this.transport.request("POST", `/workspaces/${workspaceId}/vars`, { idempotent: false, body: { data: { type: "vars", attributes } } });
    }
  }

  /** A configuration version to upload into; with `autoQueueRuns: false` the upload starts no run. */
  async createConfigurationVersion(workspaceId: string, options: { autoQueueRuns?: boolean } = {}): Promise<ConfigurationVersion> {
    const doc = await this.transport.request<Document<ConfigurationVersionAttributes>>(
      "POST",
      `/workspaces/${workspaceId}/configuration-versions`,
      {
        // A second configuration version from a retried request is harmless: it stays pending and unused.
        idempotent: true,
        body: { data: { type: "configuration-versions", attributes: { "auto-queue-runs": options.autoQueueRuns ?? false } } },
      },
    );
    return toConfigurationVersion(required(doc, "configuration version"));
  }

  async configurationVersion(id: string): Promise<ConfigurationVersion> {
    return toConfigurationVersion(await this.get<Document<ConfigurationVersionAttributes>>(`/configuration-versions/${id}`));
  }

  /** Uploads a tar.gz of the configuration to a configuration version's upload URL. */
  async uploadConfiguration(uploadUrl: string, tarball: Uint8Array): Promise<void> {
    await this.transport.upload(uploadUrl, tarball);
  }

  /** Polls until the configuration version is `uploaded`; throws if it errors or the time runs out. */
  async waitForConfigurationVersion(id: string, timeoutMs = 120_000): Promise<ConfigurationVersion> {
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      const cv = await this.configurationVersion(id);
      if (cv.status === "uploaded") return cv;
      if (cv.status === "errored") throw new Error(`configuration version ${id} errored: ${cv.error ?? "no reason given"}`);
      if (this.clock() >= deadline) {
        throw new TfcTimeoutError(`configuration version ${id} still ${cv.status} after ${Math.round(timeoutMs / 1000)} s`, cv.status);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  /** Creates a run. Not idempotent: see `startRun` in runs.ts for the safe way to start one. */
  async createRun(workspaceId: string, options: CreateRunOptions): Promise<Run> {
    const doc = await this.transport.request<Document<RunAttributes>>("POST", "/runs", {
      idempotent: false,
      body: {
        data: {
          type: "runs",
          attributes: {
            "is-destroy": options.isDestroy,
            message: options.message,
            ...(options.autoApply === undefined ? {} : { "auto-apply": options.autoApply }),
          },
          relationships: {
            workspace: { data: { type: "workspaces", id: workspaceId } },
            ...(options.configurationVersionId
              ? { "configuration-version": { data: { type: "configuration-versions", id: options.configurationVersionId } } }
              : {}),
          },
        },
      },
    });
    return toRun(required(doc, "run"));
  }

  async run(id: string): Promise<Run> {
    return toRun(await this.get<Document<RunAttributes>>(`/runs/${id}`));
  }

  /** Runs of a workspace, newest first; `statusGroup: "non_final"` leaves out finished runs. */
  async listRuns(workspaceId: string, options: { statusGroup?: "non_final" | "final"; pageSize?: number } = {}): Promise<Run[]> {
    const doc = await this.get<ListDocument<RunAttributes>>(`/workspaces/${workspaceId}/runs`, {
      "filter[status_group]": options.statusGroup,
      "page[size]": options.pageSize ?? 20,
    });
    return doc.data.map((r) => toRun({ data: r }));
  }

  /** Confirms a run that waits for confirmation after its plan. */
  async applyRun(id: string, comment?: string): Promise<void> {
    await this.transport.request("POST", `/runs/${id}/actions/apply`, {
      // Applying twice is refused with 409, never applied twice, so a retry is safe.
      idempotent: true,
      body: comment === undefined ? {} : { comment },
    });
  }

  /** The plan in Terraform's JSON format (the API redirects to a short-lived URL; fetch follows it). */
  async planJsonOutput(planId: string): Promise<unknown> {
    return this.get<unknown>(`/plans/${planId}/json-output`);
  }

  private async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return required(await this.transport.request<T>("GET", path, { query }), path);
  }
}

function required<T>(doc: T | undefined, what: string): T {
  if (doc === undefined) throw new Error(`Terraform Cloud returned no document for ${what}`);
  return doc;
}

function toConfigurationVersion(doc: Document<ConfigurationVersionAttributes>): ConfigurationVersion {
  const a = doc.data.attributes;
  return {
    id: doc.data.id,
    status: a.status,
    uploadUrl: a["upload-url"],
    error: a["error-message"] ?? a.error ?? undefined,
    speculative: a.speculative ?? false,
    workspaceId: doc.data.relationships?.workspace?.data?.id,
  };
}

function toRun(doc: Document<RunAttributes>): Run {
  const a = doc.data.attributes;
  return {
    id: doc.data.id,
    status: a.status,
    message: a.message ?? "",
    isDestroy: a["is-destroy"] ?? false,
    autoApply: a["auto-apply"] ?? false,
    createdAt: a["created-at"] ?? "",
    confirmable: a.actions?.["is-confirmable"] ?? false,
    hasChanges: a["has-changes"] ?? false,
    planId: doc.data.relationships?.plan?.data?.id,
    workspaceId: doc.data.relationships?.workspace?.data?.id,
    planOnly: a["plan-only"] ?? false,
    savePlan: a["save-plan"] ?? false,
    positionInQueue: a["position-in-queue"],
    configurationVersionId: doc.data.relationships?.["configuration-version"]?.data?.id,
  };
}
