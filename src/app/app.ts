import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { DateTime } from "luxon";
import { ControlStack } from "../../stacks/control-stack";
import { AddonsStack } from "../../stacks/addons-stack";
import { EventEdgeStack } from "../../stacks/event-edge-stack";
import { EventStack } from "../../stacks/event-stack";
import { PlatformStack } from "../../stacks/platform-stack";
import { TfcStack } from "../../stacks/tfc-stack";
import type { Config } from "../config";
import { writeCalendarManifest } from "../config/calendar-removals";
import type { AddonInputs } from "../config/addons-contract";
import { appValidation } from "../core/cdktf-workarounds";

export interface BuildAppOptions {
  /** Where `synth()` writes; the cdktf CLI passes its own through CDKTF_OUTDIR. @default "cdktf.out" */
  readonly outdir?: string;
  /**
   * The clock: schedules at or before "now" are left out of the control stack. Tests pin it.
   * @default DateTime.now
   */
  readonly clock?: () => DateTime;
  /**
   * The add-on inputs of each platform. An environment gets its `<env>-addons` stack only when this
   * returns inputs. @default the platform's own `addonInputs`
   */
  readonly addonInputs?: (platform: PlatformStack) => AddonInputs | undefined;
}

/** Every stack of the product, built from a validated config. */
export interface FlashcrowdApp {
  readonly app: App;
  /** Terraform Cloud: the project and every stack's workspace. */
  readonly tfc: TfcStack;
  readonly platforms: Readonly<Record<string, PlatformStack>>;
  /** Add-ons stacks by environment id, for the platforms that expose their add-on inputs. */
  readonly addons: Readonly<Record<string, AddonsStack>>;
  /** The permanent part of the event environments: distributions, certificates, WAF, repositories, log archive. */
  readonly eventEdge: EventEdgeStack;
  readonly events: Readonly<Record<string, EventStack>>;
  /** The event lifecycle: schedules, state machine, functions. */
  readonly control: ControlStack;
  /** Validates every stack, then writes them to the outdir, replacing the stacks written before. */
  synth(): void;
}

/**
 * Builds the App: the Terraform Cloud stack, one platform stack per environment and its add-ons
 * stack (once the platform exposes what the add-ons need), the event edge, one stack per calendar
 * event, and the control stack.
 */
export function buildApp(config: Config, options: BuildAppOptions = {}): FlashcrowdApp {
  if (options.outdir) mkdirSync(options.outdir, { recursive: true });
  // cdktf's own validation pass is replaced by validateStacks() while the cdktf workarounds are on (see there why).
  const validation = appValidation();
  const app = new App({ outdir: options.outdir, skipValidation: validation.skipValidation });
  const tfc = new TfcStack(app, { config });
  const platforms: Record<string, PlatformStack> = {};
  for (const environmentId of Object.keys(config.environments)) {
    platforms[environmentId] = new PlatformStack(app, { config, environmentId });
  }
  const addons: Record<string, AddonsStack> = {};
  const inputsOf = options.addonInputs ?? ((platform: PlatformStack) => platform.addonInputs);
  for (const [environmentId, platform] of Object.entries(platforms)) {
    const inputs = inputsOf(platform);
    if (inputs) addons[environmentId] = new AddonsStack(app, { config, environmentId, platform: inputs });
  }
  const eventEdge = new EventEdgeStack(app, { config });
  const events: Record<string, EventStack> = {};
  const syncTarget = platforms[config.events.platform.syncTo]!;
  // Retired events too: their workspaces may still hold an environment, destroyable only with its configuration.
  for (const event of config.events.withStacks) {
    events[event.slug] = new EventStack(app, { config, event, syncTarget, edge: eventEdge });
  }
  const control = new ControlStack(app, { config, now: (options.clock ?? (() => DateTime.now()))() });
  return {
    app,
    tfc,
    platforms,
    addons,
    eventEdge,
    events,
    control,
    synth: () => {
      validation.beforeSynth(app);
      // A stack removed from the config (a past event) must not linger in the output, where
      // the plan and check tooling would pick it up.
      rmSync(join(app.outdir, "stacks"), { recursive: true, force: true });
      mkdirSync(join(app.outdir, "stacks"), { recursive: true });
      app.synth();
      // For the workflows' check that no live event is removed from the calendar.
      writeCalendarManifest(config, app.outdir);
    },
  };
}
