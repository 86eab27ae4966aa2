/**
 * A Terraform Cloud (HCP Terraform) API on 127.0.0.1 that keeps state and refuses what the real
 * API refuses, for the rehearsal and the tests: workspaces (lock, auto-destroy time, variables),
 * configuration versions (upload, speculative), runs with a queue per workspace (one run at a time;
 * plan-only runs beside it), plan-only and saved-plan runs, `policy_override`, confirm, discard,
 * override, and injectable faults (status codes with headers, dropped connections).
 *
 * A run moves one status per read of it once it is the workspace's current run; a run behind
 * another, or in a locked workspace, stays `pending` with its position in the queue. When an apply
 * or destroy reaches `applying`, {@link FakeTfc.onApply} decides whether it succeeds (the rehearsal
 * changes its AWS world there, and a refused deletion errors the run as Terraform would).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const TOKEN = "test-token";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
  readonly body?: unknown;
}

export type Fault =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly detail?: string }
  /** Destroy the socket before handling the request. */
  | { readonly drop: "before" }
  /** Handle the request, then destroy the socket instead of answering. */
  | { readonly drop: "after" };

interface FaultRule {
  readonly method: string;
  readonly path: RegExp;
  readonly fault: Fault;
}

export interface FakeRun {
  id: string;
  workspaceId: string;
  message: string;
  isDestroy: boolean;
  autoApply: boolean;
  planOnly: boolean;
  savePlan: boolean;
  configurationVersionId?: string;
  createdAt: string;
  /** Statuses still to come: each read of the run moves to the next; the last one stays. */
  script: string[];
  status: string;
  planId: string;
  hasChanges: boolean;
  /** Why an apply errored, when it did. */
  errorMessage?: string;
}

export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly organization: string;
  locked: boolean;
  lockedBy?: string;
  autoDestroyAt?: string | null;
  readonly vars: { id: string; key: string; value: string; category: "terraform" | "env"; sensitive: boolean; description?: string }[];
}

export interface FakeConfigurationVersion {
  status: string;
  bytes?: Buffer;
  workspaceId: string;
  speculative: boolean;
  uploadAuthorization?: string;
}

export const FINAL = new Set(["applied", "planned_and_finished", "planned_and_saved", "errored", "canceled", "discarded", "force_canceled", "policy_soft_failed"]);

/** Default progress: plan, then apply when auto-apply, else wait for confirmation. */
export function normalScript(run: Pick<FakeRun, "autoApply" | "planOnly" | "savePlan">): string[] {
  if (run.planOnly) return ["plan_queued", "planning", "planned_and_finished"];
  if (run.savePlan) return ["plan_queued", "planning", "planned_and_saved"];
  return run.autoApply ? ["plan_queued", "planning", "planned", "apply_queued", "applying", "applied"] : ["plan_queued", "planning", "planned"];
}

export class FakeTfc {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<string, FakeRun>();
  readonly workspaces: FakeWorkspace[] = [];
  readonly configurationVersions = new Map<string, FakeConfigurationVersion>();
  /** Runs confirmed through the apply action. */
  readonly applied: string[] = [];
  /** How a new run progresses. */
  script: (run: FakeRun) => string[] = normalScript;
  /** Called when a run reaches `applying`: throw to make the run end `errored` with that message. */
  onApply?: (run: FakeRun, cv: FakeConfigurationVersion | undefined, workspace: FakeWorkspace) => void | Promise<void>;
  address = "";
  private faults: FaultRule[] = [];
  private server?: Server;
  private nextId = 1;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addWorkspace(organization: string, name: string): FakeWorkspace {
    const ws: FakeWorkspace = { id: `ws-${this.nextId++}`, name, organization, locked: false, vars: [] };
    this.workspaces.push(ws);
    return ws;
  }

  /** Adds a run as if another trigger had started it. */
  addRun(workspaceId: string, run: Partial<FakeRun> & Pick<FakeRun, "message">): FakeRun {
    return this.newRun(workspaceId, { isDestroy: false, autoApply: true, planOnly: false, savePlan: false, ...run });
  }

  /** Adds an uploaded configuration version as another client (a pull request's speculative plan, say) would. */
  addConfigurationVersion(workspaceId: string, options: { speculative: boolean; bytes?: Buffer }): string {
    const id = `cv-${this.nextId++}`;
    this.configurationVersions.set(id, { status: "uploaded", workspaceId, speculative: options.speculative, bytes: options.bytes });
    return id;
  }

  /** The next matching request fails with `fault` (each call adds one failure). */
  fail(method: string, path: RegExp, fault: Fault): void {
    this.faults.push({ method, path, fault });
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** What a person does in the UI: override a policy check, discard or cancel a run, lock or unlock. */
  override(runId: string): void {
    const run = this.mustRun(runId);
    if (run.status !== "policy_override") throw new Error(`${runId} is ${run.status}, not policy_override`);
    run.status = "policy_overridden";
  }

  discard(runId: string): void {
    const run = this.mustRun(runId);
    run.status = "discarded";
    run.script = [];
    this.startNext(run.workspaceId);
  }

  lock(workspaceId: string, by: string): void {
    const ws = this.mustWorkspace(workspaceId);
    ws.locked = true;
    ws.lockedBy = by;
  }

  unlock(workspaceId: string): void {
    const ws = this.mustWorkspace(workspaceId);
    ws.locked = false;
    ws.lockedBy = undefined;
    this.startNext(workspaceId);
  }

  /** The run that holds the workspace (a non-final, non-plan-only run that has started). */
  currentRun(workspaceId: string): FakeRun | undefined {
    return [...this.runs.values()].find((r) => r.workspaceId === workspaceId && !r.planOnly && !FINAL.has(r.status) && r.status !== "pending");
  }

  private queue(workspaceId: string): FakeRun[] {
    return [...this.runs.values()].filter((r) => r.workspaceId === workspaceId && !r.planOnly && r.status === "pending");
  }

  private startNext(workspaceId: string): void {
    const ws = this.mustWorkspace(workspaceId);
    if (ws.locked || this.currentRun(workspaceId)) return;
    const next = this.queue(workspaceId)[0];
    if (next) next.status = next.script.shift() ?? "plan_queued";
  }

  private mustRun(id: string): FakeRun {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no run ${id}`);
    return run;
  }

  private mustWorkspace(id: string): FakeWorkspace {
    const ws = this.workspaces.find((w) => w.id === id);
    if (!ws) throw new Error(`no workspace ${id}`);
    return ws;
  }

  private newRun(workspaceId: string, init: Partial<FakeRun> & Pick<FakeRun, "message" | "isDestroy" | "autoApply" | "planOnly" | "savePlan">): FakeRun {
    const n = this.nextId++;
    const run: FakeRun = {
      id: `run-${n}`,
      workspaceId,
      createdAt: new Date(Date.UTC(2026, 10, 22, 12, 0, n)).toISOString(),
      script: [],
      status: "pending",
      planId: `plan-${n}`,
      hasChanges: true,
      ...init,
    };
    if (init.script === undefined) run.script = this.script(run);
    this.runs.set(run.id, run);
    // A plan-only run does not take the workspace; any other run waits its turn behind the current one.
    if (init.status === undefined) {
      if (run.planOnly) run.status = run.script.shift() ?? "plan_queued";
      else this.startNext(workspaceId);
    }
    return run;
  }

  /** One read of a run: it moves on once it holds the workspace. */
  private async advance(run: FakeRun): Promise<void> {
    if (FINAL.has(run.status) || run.status === "pending" || run.status === "policy_override") return;
    if (run.status === "policy_overridden") run.status = "planned";
    if (run.status === "planned" && !run.autoApply && !run.planOnly) return;
    const next = run.script.shift();
    if (next === undefined) return;
    run.status = next;
    if (next === "applying" && this.onApply) {
      const ws = this.mustWorkspace(run.workspaceId);
      try {
        await this.onApply(run, run.configurationVersionId ? this.configurationVersions.get(run.configurationVersionId) : undefined, ws);
      } catch (error) {
        run.status = "errored";
        run.errorMessage = (error as Error).message;
        run.script = [];
      }
    }
    if (FINAL.has(run.status)) this.startNext(run.workspaceId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.address);
    const raw = await readBody(req);
    const isUpload = url.pathname.startsWith("/upload/");
    const body: unknown = raw.length > 0 && !isUpload ? JSON.parse(raw.toString("utf8")) : undefined;
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });

    const i = this.faults.findIndex((f) => f.method === method && f.path.test(url.pathname));
    const fault = i >= 0 ? this.faults.splice(i, 1)[0]!.fault : undefined;
    if (fault && "drop" in fault && fault.drop === "before") {
      req.socket.destroy();
      return;
    }
    if (fault && "status" in fault) {
      res.writeHead(fault.status, { "Content-Type": "application/vnd.api+json", ...fault.headers });
      res.end(JSON.stringify({ errors: [{ status: String(fault.status), title: "fault", detail: fault.detail ?? `injected ${fault.status}` }] }));
      return;
    }
    const open = isUpload || url.pathname.startsWith("/archivist/");
    if (!open && req.headers.authorization !== `Bearer ${TOKEN}`) {
      send(res, 401, { errors: [{ status: "401", title: "unauthorized" }] });
      return;
    }
    const answer = await this.route(method, url, body, raw, req.headers.authorization);
    if (fault && "drop" in fault && fault.drop === "after") {
      req.socket.destroy();
      return;
    }
    if (answer.redirect) {
      res.writeHead(307, { Location: answer.redirect });
      res.end();
      return;
    }
    send(res, answer.status, answer.body);
  }

  private workspaceDoc(ws: FakeWorkspace) {
    const latest = [...this.runs.values()].filter((r) => r.workspaceId === ws.id).at(-1);
    const current = this.currentRun(ws.id);
    return {
      data: {
        id: ws.id,
        type: "workspaces",
        attributes: {
          name: ws.name,
          locked: ws.locked,
          "auto-apply": false,
          "resource-count": 42,
          "terraform-version": "1.9.8",
          "auto-destroy-at": ws.autoDestroyAt ?? null,
        },
        relationships: {
          "latest-run": { data: latest ? { id: latest.id, type: "runs" } : null },
          "current-run": { data: current ? { id: current.id, type: "runs" } : null },
          "locked-by": { data: ws.locked && ws.lockedBy ? { id: ws.lockedBy, type: ws.lockedBy.startsWith("run-") ? "runs" : "users" } : null },
        },
      },
    };
  }

  private async route(method: string, url: URL, body: unknown, raw: Buffer, authorization?: string): Promise<{ status: number; body?: unknown; redirect?: string }> {
    const p = url.pathname;
    let m: RegExpMatchArray | null;
    if (method === "GET" && (m = p.match(/^\/api\/v2\/organizations\/([^/]+)\/workspaces\/([^/]+)$/))) {
      const [org, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      const ws = this.workspaces.find((w) => w.organization === org && w.name === name);
      if (!ws) return notFound("workspace not found, or you are not authorized to access it");
      return { status: 200, body: this.workspaceDoc(ws) };
    }
    if (method === "PATCH" && (m = p.match(/^\/api\/v2\/workspaces\/([^/]+)$/))) {
      const ws = this.workspaces.find((w) => w.id === m![1]);
      if (!ws) return notFound("workspace not found");
      const attributes = (body as { data?: { attributes?: Record<string, unknown> } } | undefined)?.data?.attributes ?? {};
      if ("auto-destroy-at" in attributes) {
        const at = attributes["auto-destroy-at"];
        if (at !== null && (typeof at !== "string" || Number.isNaN(Date.parse(at)))) return unprocessable("auto-destroy-at must be an ISO 8601 time or null");
        ws.autoDestroyAt = at as string | null;
      }
      return { status: 200, body: this.workspaceDoc(ws) };
    }
    if ((m = p.match(/^\/api\/v2\/workspaces\/([^/]+)\/vars(?:\/([^/]+))?$/))) {
      const ws = this.workspaces.find((w) => w.id === m![1]);
      if (!ws) return notFound("workspace not found");
      const varDoc = (v: FakeWorkspace["vars"][number]) => ({
        id: v.id,
        type: "vars",
        attributes: { key: v.key, value: v.sensitive ? null : v.value, category: v.category, sensitive: v.sensitive, description: v.description ?? null },
      });
      if (method === "GET" && !m[2]) return { status: 200, body: { data: ws.vars.map(varDoc) } };
      const attributes = (body as { data?: { attributes?: Record<string, unknown> } } | undefined)?.data?.attributes ?? {};
      if (method === "POST" && !m[2]) {
        const key = String(attributes.key ?? "");
        const category = attributes.category === "env" ? "env" : "terraform";
        if (!key) return unprocessable("key can't be blank");
        if (ws.vars.some((v) => v.key === key && v.category === category)) return unprocessable("key has already been taken");
        const v = { id: `var-${this.nextId++}`, key, value: String(attributes.value ?? ""), category, sensitive: attributes.sensitive === true, description: attributes.description as string | undefined } as const;
        ws.vars.push({ ...v });
        return { status: 201, body: { data: varDoc(v) } };
      }
      if (method === "PATCH" && m[2]) {
        const v = ws.vars.find((x) => x.id === m![2]);
        if (!v) return notFound("variable not found");
        if (attributes.value !== undefined) v.value = String(attributes.value);
        if (attributes.description !== undefined) v.description = String(attributes.description);
        return { status: 200, body: { data: varDoc(v) } };
      }
    }
    if (method === "POST" && (m = p.match(/^\/api\/v2\/workspaces\/([^/]+)\/configuration-versions$/))) {
      if (!this.workspaces.some((w) => w.id === m![1])) return notFound("workspace not found");
      const attributes = (body as { data?: { attributes?: Record<string, unknown> } } | undefined)?.data?.attributes ?? {};
      const id = `cv-${this.nextId++}`;
      this.configurationVersions.set(id, { status: "pending", workspaceId: m[1]!, speculative: attributes.speculative === true });
      return { status: 201, body: cvDoc(id, this.configurationVersions.get(id)!, `${this.address}/upload/${id}`) };
    }
    if (method === "PUT" && (m = p.match(/^\/upload\/([^/]+)$/))) {
      const cv = this.configurationVersions.get(m[1]!);
      if (!cv) return notFound("no such upload");
      if (cv.status !== "pending") return { status: 409, body: { errors: [{ status: "409", title: "conflict", detail: "configuration version already uploaded" }] } };
      cv.bytes = raw;
      cv.status = "uploaded";
      cv.uploadAuthorization = authorization;
      return { status: 200 };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/configuration-versions\/([^/]+)$/))) {
      const cv = this.configurationVersions.get(m[1]!);
      return cv ? { status: 200, body: cvDoc(m[1]!, cv) } : notFound("configuration version not found");
    }
    if (method === "POST" && p === "/api/v2/runs") {
      const data = (
        body as {
          data: { attributes: Record<string, unknown>; relationships: { workspace: { data: { id: string } }; "configuration-version"?: { data: { id: string } } } };
        }
      ).data;
      const wsId = data.relationships.workspace.data.id;
      if (!this.workspaces.some((w) => w.id === wsId)) return notFound("workspace not found");
      const planOnly = data.attributes["plan-only"] === true;
      let cvId = data.relationships["configuration-version"]?.data.id;
      if (cvId) {
        const cv = this.configurationVersions.get(cvId);
        if (!cv || cv.workspaceId !== wsId) return notFound("configuration version not found");
        if (cv.status !== "uploaded") return unprocessable(`configuration version ${cvId} is ${cv.status}, not uploaded`);
        if (cv.speculative && !planOnly) return unprocessable("a speculative configuration version can only be used by plan-only runs");
      } else {
        // The workspace's latest non-speculative configuration.
        cvId = [...this.configurationVersions.entries()].filter(([, cv]) => cv.workspaceId === wsId && !cv.speculative && cv.status === "uploaded").at(-1)?.[0];
        if (!cvId) return unprocessable("the workspace has no configuration version to run");
      }
      const run = this.newRun(wsId, {
        message: String(data.attributes.message ?? ""),
        isDestroy: data.attributes["is-destroy"] === true,
        autoApply: data.attributes["auto-apply"] === true,
        planOnly,
        savePlan: data.attributes["save-plan"] === true,
        configurationVersionId: cvId,
      });
      return { status: 201, body: this.runDoc(run) };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/runs\/([^/]+)$/))) {
      const run = this.runs.get(m[1]!);
      if (!run) return notFound("run not found");
      await this.advance(run);
      return { status: 200, body: this.runDoc(run) };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/workspaces\/([^/]+)\/runs$/))) {
      const group = url.searchParams.get("filter[status_group]");
      const runs = [...this.runs.values()]
        .filter((r) => r.workspaceId === m![1])
        .filter((r) => group !== "non_final" || !FINAL.has(r.status))
        .reverse();
      return { status: 200, body: { data: runs.map((r) => this.runDoc(r).data) } };
    }
    if (method === "POST" && (m = p.match(/^\/api\/v2\/runs\/([^/]+)\/actions\/(apply|discard|cancel)$/))) {
      const run = this.runs.get(m[1]!);
      if (!run) return notFound("run not found");
      const conflict = { status: 409, body: { errors: [{ status: "409", title: "conflict", detail: "transition not allowed" }] } };
      if (m[2] === "apply") {
        if (run.status !== "planned" || run.planOnly) return conflict;
        this.applied.push(run.id);
        run.script = ["apply_queued", "applying", "applied"];
        run.autoApply = true;
        return { status: 202 };
      }
      if (FINAL.has(run.status)) return conflict;
      run.status = m[2] === "discard" ? "discarded" : "canceled";
      run.script = [];
      this.startNext(run.workspaceId);
      return { status: 202 };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/plans\/([^/]+)\/json-output$/))) {
      return { status: 307, redirect: `${this.address}/archivist/plans/${m[1]}` };
    }
    if (method === "GET" && (m = p.match(/^\/archivist\/plans\/([^/]+)$/))) {
      return { status: 200, body: { format_version: "1.2", plan: m[1], resource_changes: [{ address: "aws_vpc.main", change: { actions: ["create"] } }] } };
    }
    return notFound(`no route ${method} ${p}`);
  }

  private runDoc(run: FakeRun) {
    const queue = this.queue(run.workspaceId);
    const position = queue.indexOf(run);
    return {
      data: {
        id: run.id,
        type: "runs",
        attributes: {
          status: run.status,
          message: run.message,
          "is-destroy": run.isDestroy,
          "auto-apply": run.autoApply,
          "plan-only": run.planOnly,
          "save-plan": run.savePlan,
          "created-at": run.createdAt,
          "has-changes": run.hasChanges,
          "position-in-queue": position >= 0 ? position + (this.currentRun(run.workspaceId) ? 1 : 0) : 0,
          actions: { "is-confirmable": run.status === "planned" && !run.autoApply && !run.planOnly },
        },
        relationships: {
          plan: { data: { id: run.planId, type: "plans" } },
          workspace: { data: { id: run.workspaceId, type: "workspaces" } },
          ...(run.configurationVersionId ? { "configuration-version": { data: { id: run.configurationVersionId, type: "configuration-versions" } } } : {}),
        },
      },
    };
  }
}

function notFound(detail: string) {
  return { status: 404, body: { errors: [{ status: "404", title: "not found", detail }] } };
}

function unprocessable(detail: string) {
  return { status: 422, body: { errors: [{ status: "422", title: "invalid attribute", detail }] } };
}

function cvDoc(id: string, cv: FakeConfigurationVersion, uploadUrl?: string) {
  return {
    data: {
      id,
      type: "configuration-versions",
      attributes: { status: cv.status, "auto-queue-runs": false, speculative: cv.speculative, ...(uploadUrl ? { "upload-url": uploadUrl } : {}) },
      relationships: { workspace: { data: { id: cv.workspaceId, type: "workspaces" } } },
    },
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/vnd.api+json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
