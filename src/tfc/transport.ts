/**
 * JSON:API over HTTPS with the platform's fetch (undici), with retries.
 *
 * Retried: 429 (waiting as long as `Retry-After` or `X-RateLimit-Reset` says), 5xx, and requests that
 * got no answer (connection refused or dropped, timeout), with exponential backoff and jitter.
 * Never retried: other 4xx, which will fail the same way again. A request that is not idempotent
 * (creating a run) is retried only on 429, where the server refused it before doing anything; after
 * a 5xx or a dropped connection the caller must first find out whether it took effect.
 */
import { TfcApiError, TfcConnectionError } from "./errors";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Cap of one backoff delay. */
  readonly maxDelayMs: number;
  /** Longest wait a rate-limit header may ask for. */
  readonly maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, maxRateLimitWaitMs: 60_000 };

export interface RetryNotice {
  readonly method: string;
  readonly path: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  /** `HTTP 503`, `HTTP 429`, `connection: ECONNRESET`, ... */
  readonly reason: string;
}

export interface TransportOptions {
  /** `https://app.terraform.io`; plain `http://127.0.0.1:PORT` is accepted for tests. */
  readonly address: string;
  readonly token: string;
  readonly retry?: Partial<RetryPolicy>;
  /** @default setTimeout-based sleep; tests inject one that returns at once and records the delays */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Wall clock in ms, to read `X-RateLimit-Reset` given as an epoch time. @default Date.now */
  readonly now?: () => number;
  /** Per-request timeout. @default 30 s */
  readonly requestTimeoutMs?: number;
  /** Called before each retry (the CLI prints it). @default silent */
  readonly onRetry?: (notice: RetryNotice) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Safe to repeat after a 5xx or a lost answer. @default true for GET/PUT, false otherwise */
  readonly idempotent?: boolean;
}

const JSON_API = "application/vnd.api+json";

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class JsonApiTransport {
  readonly address: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    const address = options.address.replace(/\/+$/, "");
    if (!/^https:\/\/[^/]+$/.test(address) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(address)) {
      throw new Error(`Terraform Cloud address "${options.address}" must be https://<host> (plain http only for 127.0.0.1)`);
    }
    this.address = address;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** A JSON:API request under `/api/v2`; returns the parsed document, or undefined for an empty answer. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T | undefined> {
    const url = new URL(`${this.address}/api/v2${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const idempotent = options.idempotent ?? (method === "GET" || method === "PUT");
    const response = await this.send(method, path, idempotent, () =>
      this.fetchImpl(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: JSON_API,
          ...(options.body === undefined ? {} : { "Content-Type": JSON_API }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: "follow",
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      }),
    );
    const text = await response.text();
    return text.trim() === "" ? undefined : (JSON.parse(text) as T);
  }

  /**
   * PUTs bytes to a pre-signed upload URL (configuration versions). No Authorization header: the
   * URL carries its own credential and may live on another host.
   */
  async upload(uploadUrl: string, bytes: Uint8Array): Promise<void> {
    const path = new URL(uploadUrl).pathname;
    const response = await this.send("PUT", path, true, () =>
      this.fetchImpl(uploadUrl, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream" },
        body: bytes,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 120_000),
      }),
    );
    await response.arrayBuffer();
  }

  /** Sends with the retry policy; returns a 2xx response or throws. */
  private async send(method: string, path: string, idempotent: boolean, call: () => Promise<Response>): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await call();
      } catch (error) {
        const reason = connectionReason(error);
        if (!idempotent || attempt >= this.retry.maxAttempts) throw new TfcConnectionError(method, path, reason);
        await this.pause({ method, path, attempt, delayMs: this.backoff(attempt), reason: `connection: ${reason}` });
        continue;
      }
      if (response.ok) return response;

      const status = response.status;
      const retryable = status === 429 || status >= 500;
      const details = await errorDetails(response);
      const mayRetry = retryable && attempt < this.retry.maxAttempts && (status === 429 || idempotent);
      if (!mayRetry) throw new TfcApiError(method, path, status, details, retryable);
      const delayMs = status === 429 ? (this.rateLimitWait(response.headers) ?? this.backoff(attempt)) : this.backoff(attempt);
      await this.pause({ method, path, attempt, delayMs, reason: `HTTP ${status}` });
    }
  }

  private async pause(notice: RetryNotice): Promise<void> {
    this.options.onRetry?.(notice);
    await this.sleep(notice.delayMs);
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out but never collapse to 0. */
  private backoff(attempt: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  /**
   * How long a 429 asks to wait: `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset`
   * (Terraform Cloud sends seconds until the window resets, e.g. `0.25`; a value that looks like an
   * epoch time is read as one). Capped; a small jitter is added so parallel clients do not return
   * in lockstep.
   */
  private rateLimitWait(headers: Headers): number | undefined {
    let ms: number | undefined;
    const retryAfter = headers.get("retry-after");
    if (retryAfter !== null) {
      const seconds = Number(retryAfter);
      ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - this.now();
    }
    const reset = headers.get("x-ratelimit-reset");
    if ((ms === undefined || !Number.isFinite(ms)) && reset !== null && Number.isFinite(Number(reset))) {
      const value = Number(reset);
      ms = value > 1e9 ? value * 1000 - this.now() : value * 1000;
    }
    if (ms === undefined || !Number.isFinite(ms)) return undefined;
    const jitter = this.random() * Math.min(250, this.retry.baseDelayMs);
    return Math.round(Math.min(this.retry.maxRateLimitWaitMs, Math.max(0, ms)) + jitter);
  }
}

/** `errors[].detail` (or title) of a JSON:API error document; the status text when the body is not one. */
async function errorDetails(response: Response): Promise<string[]> {
  const text = await response.text().catch(() => "");
  try {
    const doc = JSON.parse(text) as { errors?: { detail?: string; title?: string }[] };
    const details = (doc.errors ?? []).map((e) => e.detail ?? e.title ?? "").filter((d) => d !== "");
    if (details.length > 0) return details;
  } catch {
    // not JSON: fall through to the status text
  }
  return response.statusText ? [response.statusText] : [];
}

function connectionReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return "timed out";
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
