import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { EventStack } from "../stacks/event-stack";
import { PlatformStack } from "../stacks/platform-stack";
import type { Config } from "./config";
import { validateStacks } from "./core/validate";

export interface BuildAppOptions {
  /** Where `synth()` writes; the cdktf CLI passes its own through CDKTF_OUTDIR. @default "cdktf.out" */
  readonly outdir?: string;
}

/** Every stack of the product, built from a validated config. */
export interface FlashcrowdApp {
  readonly app: App;
  readonly platforms: Readonly<Record<string, PlatformStack>>;
  readonly events: Readonly<Record<string, EventStack>>;
  /** Validates every stack, then writes them to the outdir, replacing the stacks written before. */
  synth(): void;
}

/** Builds the App: one platform stack per environment and one stack per calendar event. */
export function buildApp(config: Config, options: BuildAppOptions = {}): FlashcrowdApp {
  if (options.outdir) mkdirSync(options.outdir, { recursive: true });
  // cdktf's own validation pass is replaced by validateStacks() (see there why).
  const app = new App({ outdir: options.outdir, skipValidation: true });
  const platforms: Record<string, PlatformStack> = {};
  for (const environmentId of Object.keys(config.environments)) {
    platforms[environmentId] = new PlatformStack(app, { config, environmentId });
  }
  const events: Record<string, EventStack> = {};
  const syncTarget = platforms[config.events.platform.syncTo]!;
  for (const event of config.events.calendar) {
    events[event.slug] = new EventStack(app, { config, event, syncTarget });
  }
  return {
    app,
    platforms,
    events,
    synth: () => {
      validateStacks(app);
      // A stack removed from the config (a past event) must not linger in the output, where
      // the plan and check tooling would pick it up.
      rmSync(join(app.outdir, "stacks"), { recursive: true, force: true });
      mkdirSync(join(app.outdir, "stacks"), { recursive: true });
      app.synth();
    },
  };
}
