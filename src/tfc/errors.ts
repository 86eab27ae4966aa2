/** Errors of the Terraform Cloud client. Each carries enough to print one line that says what failed. */

/** The API answered with an error status. `details` are the JSON:API `errors[].detail` (or titles). */
export class TfcApiError extends Error {
  override readonly name = "TfcApiError";

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly details: readonly string[],
    /** 429 and 5xx: the same request may succeed later. */
    readonly retryable: boolean,
  ) {
    super(`${method} ${path}: HTTP ${status}${details.length > 0 ? `: ${details.join("; ")}` : ""}`);
  }
}

/** No answer: the connection failed, was dropped, or the request timed out. */
export class TfcConnectionError extends Error {
  override readonly name = "TfcConnectionError";
  readonly retryable = true;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${method} ${path}: no answer from Terraform Cloud (${reason})`);
  }
}

/** A wait (run, configuration upload) did not reach a final state in time. */
export class TfcTimeoutError extends Error {
  override readonly name = "TfcTimeoutError";

  constructor(
    message: string,
    /** Last status seen before giving up. */
    readonly lastStatus: string,
  ) {
    super(message);
  }
}

/** True for errors where trying the same call again later is reasonable. */
export function isRetryable(error: unknown): boolean {
  return (error instanceof TfcApiError || error instanceof TfcConnectionError) && error.retryable;
}
