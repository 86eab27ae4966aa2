import { buildApp } from "./app";
import { ConfigError, loadConfig } from "../config";
import { withCheapStackTraces } from "../core/cdktf-workarounds";
import { synthWithPolicy } from "./gate";

try {
  const config = loadConfig();
  // Synthesis fails on an unsuppressed policy error (the Terraform is still written, for inspection).
  const { exitCode } = withCheapStackTraces(() =>
    synthWithPolicy(buildApp(config), config, (text) => process.stderr.write(`${text}\n`)),
  );
  if (exitCode !== 0) process.exit(exitCode);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
