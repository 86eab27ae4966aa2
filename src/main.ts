import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { withCheapStackTraces } from "./core/cheap-stack-traces";

try {
  withCheapStackTraces(() => buildApp(loadConfig()).synth());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
