import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";

try {
  buildApp(loadConfig()).app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
