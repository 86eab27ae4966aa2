import { App } from "cdktf";
import { EventStack } from "../stacks/event-stack";
import { PlatformStack } from "../stacks/platform-stack";
import { TfcStack } from "../stacks/tfc-stack";
import type { Config } from "./config";

export interface BuildAppOptions {
  /** Where `synth()` writes; the cdktf CLI passes its own through CDKTF_OUTDIR. @default "cdktf.out" */
  readonly outdir?: string;
}

/** Every stack of the product, built from a validated config. */
export interface FlashcrowdApp {
  readonly app: App;
  /** Terraform Cloud: the project and every stack's workspace. */
  readonly tfc: TfcStack;
  readonly platforms: Readonly<Record<string, PlatformStack>>;
  readonly events: Readonly<Record<string, EventStack>>;
}

/** Builds the App: the Terraform Cloud stack, one platform stack per environment and one stack per calendar event. */
export function buildApp(config: Config, options: BuildAppOptions = {}): FlashcrowdApp {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const tfc = new TfcStack(app, { config });
  const platforms: Record<string, PlatformStack> = {};
  for (const environmentId of Object.keys(config.environments)) {
    platforms[environmentId] = new PlatformStack(app, { config, environmentId });
  }
  const events: Record<string, EventStack> = {};
  for (const event of config.events.calendar) {
    events[event.slug] = new EventStack(app, { config, event });
  }
  return { app, tfc, platforms, events };
}
