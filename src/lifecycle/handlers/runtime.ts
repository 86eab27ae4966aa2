/**
 * What the lifecycle's Lambda handlers share: the error Step Functions retries in place, environment
 * access, and a cached secret reader (the token is read once per warm container, not per call).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * A failure worth retrying in place (the state machine's Retry lists this name): throttling, a
 * service's 5xx, a lost connection. Any other error goes to the state machine's Catch.
 */
export class TransientError extends Error {
  override readonly name = "TransientError";
}

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** AWS SDK errors that a later call may not hit: throttling, 5xx, timeouts. */
export function isTransientAwsError(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable || e.$fault === "server") return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "TimeoutError"].includes(e.name ?? "");
}

/** Rethrows transient AWS errors as {@link TransientError}, others unchanged. */
export function classifyAwsError(error: unknown): never {
  if (isTransientAwsError(error)) throw new TransientError((error as Error).message);
  throw error;
}

/** Reads a secret's string value, caching it for `ttlMs` so a warm container does not call Secrets Manager every time. */
export function secretReader(client: SecretsManagerClient, ttlMs = 5 * 60_000, now: () => number = Date.now): (secretId: string) => Promise<string> {
  const cache = new Map<string, { value: string; until: number }>();
  return async (secretId) => {
    const hit = cache.get(secretId);
    if (hit && hit.until > now()) return hit.value;
    let value: string | undefined;
    try {
      value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      classifyAwsError(error);
    }
    if (!value) throw new Error(`secret ${secretId} has no value yet; set it (see docs/operations.md, "Once, before the first sale")`);
    cache.set(secretId, { value: value.trim(), until: now() + ttlMs });
    return value.trim();
  };
}
