import { cdktfWorkaroundsEnabled } from "./switch";

/**
 * cdktf records a full stack trace for every token it creates (each attribute reference), only to
 * quote it if that token later fails to resolve; constructs does the same for metadata. Capturing
 * and formatting those traces was the largest single cost of a synth. While `fn` runs, explicit
 * `Error.captureStackTrace` calls record nothing and traces format to nothing (with source maps
 * off); everything is restored afterwards. Errors raised meanwhile still carry their trace: V8
 * records it when the error is created and formats it when it is first read, after the restore.
 * With the cdktf workarounds off (./index.ts), `fn` simply runs.
 */
export function withCheapStackTraces<T>(fn: () => T): T {
  if (!cdktfWorkaroundsEnabled()) return fn();
  const previousCapture = Error.captureStackTrace;
  const previousFormatter = Error.prepareStackTrace;
  const previousSourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  Error.captureStackTrace = () => undefined;
  Error.prepareStackTrace = () => "";
  try {
    return fn();
  } finally {
    Error.captureStackTrace = previousCapture;
    Error.prepareStackTrace = previousFormatter;
    process.setSourceMapsEnabled(previousSourceMaps);
  }
}
