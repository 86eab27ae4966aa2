/**
 * A Terraform Cloud API on 127.0.0.1 for tests: the JSON:API endpoints the client uses, with
 * scripted run progress and injectable faults (status codes with headers, dropped connections).
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
  createdAt: string;
  /** Statuses still to come: each read of the run moves to the next; the last one stays. */
  script: string[];
  status: string;
  planId: string;
}

export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly organization: string;
}

const FINAL = new Set(["applied", "planned_and_finished", "planned_and_saved", "errored", "canceled", "discarded", "force_canceled", "policy_soft_failed"]);

/** Default progress: plan, then apply when auto-apply, else wait for confirmation. */
export function normalScript(run: Pick<FakeRun, "autoApply">): string[] {
  return run.autoApply ? ["plan_queued", "planning", "planned", "apply_queued", "applying", "applied"] : ["plan_queued", "planning", "planned"];
}

export class FakeTfc {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<string, FakeRun>();
  readonly workspaces: FakeWorkspace[] = [];
  readonly configurationVersions = new Map<string, { status: string; bytes?: Buffer; workspaceId: string; uploadAuthorization?: string }>();
  /** Runs confirmed through the apply action. */
  readonly applied: string[] = [];
  /** How a new run progresses. */
  script: (run: FakeRun) => string[] = normalScript;
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
    const ws = { id: `ws-${this.nextId++}`, name, organization };
    this.workspaces.push(ws);
    return ws;
  }

  /** Adds a run as if another trigger had started it. */
  addRun(workspaceId: string, run: Partial<FakeRun> & Pick<FakeRun, "message">): FakeRun {
    return this.newRun(workspaceId, { isDestroy: false, autoApply: true, ...run });
  }

  /** The next matching request fails with `fault` (each call adds one failure). */
  fail(method: string, path: RegExp, fault: Fault): void {
    this.faults.push({ method, path, fault });
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  private newRun(workspaceId: string, init: Partial<FakeRun> & Pick<FakeRun, "message" | "isDestroy" | "autoApply">): FakeRun {
    const n = this.nextId++;
    const run: FakeRun = {
      id: `run-${n}`,
      workspaceId,
      createdAt: new Date(Date.UTC(2026, 10, 22, 12, 0, n)).toISOString(),
      script: [],
      status: "pending",
      planId: `plan-${n}`,
      ...init,
    };
    if (init.script === undefined) run.script = this.script(run);
    this.runs.set(run.id, run);
    return run;
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
    const answer = this.route(method, url, body, raw, req.headers.authorization);
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

  private route(method: string, url: URL, body: unknown, raw: Buffer, authorization?: string): { status: number; body?: unknown; redirect?: string } {
    const p = url.pathname;
    let m: RegExpMatchArray | null;
    if (method === "GET" && (m = p.match(/^\/api\/v2\/organizations\/([^/]+)\/workspaces\/([^/]+)$/))) {
      const [org, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      const ws = this.workspaces.find((w) => w.organization === org && w.name === name);
      if (!ws) return notFound("workspace not found, or you are not authorized to access it");
      const latest = [...this.runs.values()].filter((r) => r.workspaceId === ws.id).at(-1);
      return {
        status: 200,
        body: {
          data: {
            id: ws.id,
            type: "workspaces",
            attributes: { name: ws.name, locked: false, "auto-apply": false, "resource-count": 42, "terraform-version": "1.9.8" },
            relationships: { "latest-run": { data: latest ? { id: latest.id, type: "runs" } : null } },
          },
        },
      };
    }
    if (method === "POST" && (m = p.match(/^\/api\/v2\/workspaces\/([^/]+)\/configuration-versions$/))) {
      const id = `cv-${this.nextId++}`;
      this.configurationVersions.set(id, { status: "pending", workspaceId: m[1]! });
      return { status: 201, body: cvDoc(id, "pending", `${this.address}/upload/${id}`) };
    }
    if (method === "PUT" && (m = p.match(/^\/upload\/([^/]+)$/))) {
      const cv = this.configurationVersions.get(m[1]!);
      if (!cv) return notFound("no such upload");
      cv.bytes = raw;
      cv.status = "uploaded";
      cv.uploadAuthorization = authorization;
      return { status: 200 };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/configuration-versions\/([^/]+)$/))) {
      const cv = this.configurationVersions.get(m[1]!);
      return cv ? { status: 200, body: cvDoc(m[1]!, cv.status) } : notFound("configuration version not found");
    }
    if (method === "POST" && p === "/api/v2/runs") {
      const data = (body as { data: { attributes: Record<string, unknown>; relationships: { workspace: { data: { id: string } } } } }).data;
      const wsId = data.relationships.workspace.data.id;
      if (!this.workspaces.some((w) => w.id === wsId)) return notFound("workspace not found");
      const run = this.newRun(wsId, {
        message: String(data.attributes.message ?? ""),
        isDestroy: data.attributes["is-destroy"] === true,
        autoApply: data.attributes["auto-apply"] === true,
      });
      return { status: 201, body: runDoc(run) };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/runs\/([^/]+)$/))) {
      const run = this.runs.get(m[1]!);
      if (!run) return notFound("run not found");
      const next = run.script.shift();
      if (next !== undefined) run.status = next;
      return { status: 200, body: runDoc(run) };
    }
    if (method === "GET" && (m = p.match(/^\/api\/v2\/workspaces\/([^/]+)\/runs$/))) {
      const group = url.searchParams.get("filter[status_group]");
      const runs = [...this.runs.values()]
        .filter((r) => r.workspaceId === m![1])
        .filter((r) => group !== "non_final" || !FINAL.has(r.status))
        .reverse();
      return { status: 200, body: { data: runs.map((r) => runDoc(r).data) } };
    }
    if (method === "POST" && (m = p.match(/^\/api\/v2\/runs\/([^/]+)\/actions\/apply$/))) {
      const run = this.runs.get(m[1]!);
      if (!run) return notFound("run not found");
      if (run.status !== "planned") return { status: 409, body: { errors: [{ status: "409", title: "conflict", detail: "transition not allowed" }] } };
      this.applied.push(run.id);
      run.script = ["apply_queued", "applying", "applied"];
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
}

function notFound(detail: string) {
  return { status: 404, body: { errors: [{ status: "404", title: "not found", detail }] } };
}

function cvDoc(id: string, status: string, uploadUrl?: string) {
  return { data: { id, type: "configuration-versions", attributes: { status, "auto-queue-runs": false, ...(uploadUrl ? { "upload-url": uploadUrl } : {}) } } };
}

function runDoc(run: FakeRun) {
  return {
    data: {
      id: run.id,
      type: "runs",
      attributes: {
        status: run.status,
        message: run.message,
        "is-destroy": run.isDestroy,
        "auto-apply": run.autoApply,
        "created-at": run.createdAt,
        "has-changes": true,
        actions: { "is-confirmable": run.status === "planned" && !run.autoApply },
      },
      relationships: { plan: { data: { id: run.planId, type: "plans" } }, workspace: { data: { id: run.workspaceId, type: "workspaces" } } },
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
