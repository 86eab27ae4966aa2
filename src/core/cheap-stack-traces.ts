/**
 * cdktf records a full stack trace for every token it creates (each attribute reference), only to
 * quote it if that token later fails to resolve. Formatting those traces, with source maps on as
 * tsx sets them, was over half of the synth time. While `fn` runs, traces format to nothing; they
 * are restored afterwards, and an error's trace is formatted when first read, so errors that
 * escape still carry their full stack.
 */
export function withCheapStackTraces<T>(fn: () => T): T {
  const previousFormatter = Error.prepareStackTrace;
  const previousSourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = () => "";
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previousFormatter;
    process.setSourceMapsEnabled(previousSourceMaps);
  }
}
