/**
 * Lambda: GETs the event's health URL through the public edge. Anything but 200 fails with
 * `SmokeCheckFailed`, which the state machine retries for a while (the edge and services can take
 * minutes after an apply) before it alerts.
 */
import { parsePayload, smokeCheckRequestSchema } from "../contracts";

export type { SmokeCheckRequest } from "../contracts";

export interface SmokeCheckResult {
  readonly status: number;
  readonly milliseconds: number;
}

export class SmokeCheckFailed extends Error {
  override readonly name = "SmokeCheckFailed";
}

export interface SmokeCheckDeps {
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly timeoutMs: number;
}

export function createSmokeCheckHandler(deps: SmokeCheckDeps): (input: unknown) => Promise<SmokeCheckResult> {
  return async (input) => {
    const { url } = parsePayload(smokeCheckRequestSchema, input, "smoke-check");
    if (!/^https:\/\//.test(url)) throw new Error(`smoke-check URL must be https, got "${url}"`);
    const started = deps.now();
    let response: Response;
    try {
      response = await deps.fetch(url, { method: "GET", redirect: "follow", signal: AbortSignal.timeout(deps.timeoutMs), headers: { "User-Agent": "flashcrowd-lifecycle-smoke-check" } });
    } catch (error) {
      throw new SmokeCheckFailed(`GET ${url}: no answer (${(error as Error).message})`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status !== 200) throw new SmokeCheckFailed(`GET ${url} answered ${response.status}, expected 200`);
    return { status: response.status, milliseconds: deps.now() - started };
  };
}

export const handler = createSmokeCheckHandler({ fetch: globalThis.fetch, now: Date.now, timeoutMs: 10_000 });
