import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App, type TerraformStack } from "cdktf";
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
import { stackCatalog, type CatalogStack, type StackCatalog, type StackType } from "../topology/stack-catalog";

export interface BuildAppOptions {
  /** Where `synth()` writes; the cdktf CLI passes its own through CDKTF_OUTDIR. @default "cdktf.out" */
  readonly outdir?: string;
  /**
   * The clock: schedules at or before "now" are left out of the control stack. Tests pin it.
   * @default DateTime.now
   */
  readonly clock?: () => DateTime;
  /** What each `<env>-addons` stack reads from its platform. @default the platform's own `addonInputs` */
  readonly addonInputs?: (platform: PlatformStack) => AddonInputs;
}

/** Every stack of the product, built from a validated config. */
export interface FlashcrowdApp {
  readonly app: App;
  /** The stacks this app is made of, in deploy order: what it was built from. */
  readonly catalog: StackCatalog;
  /** Terraform Cloud: the project and every stack's workspace. */
  readonly tfc: TfcStack;
  readonly platforms: Readonly<Record<string, PlatformStack>>;
  /** Add-ons stacks by environment id. */
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
 * Builds the App: one stack per entry of the stack catalog (the Terraform Cloud stack, a platform
 * and an add-ons stack per environment, the event edge, one stack per calendar event with a stack,
 * and the control stack). The catalog decides which stacks exist; this only constructs them, in
 * the order tfc, platforms, add-ons, event edge, events, control.
 */
export function buildApp(config: Config, options: BuildAppOptions = {}): FlashcrowdApp {
  if (options.outdir) mkdirSync(options.outdir, { recursive: true });
  // cdktf's own validation pass is replaced by validateStacks() while the cdktf workarounds are on (see there why).
  const validation = appValidation();
  const app = new App({ outdir: options.outdir, skipValidation: validation.skipValidation });
  const catalog = stackCatalog(config);
  const only = (type: StackType): CatalogStack => {
    const [stack, ...more] = catalog.ofType(type);
    if (!stack || more.length > 0) throw new Error(`the stack catalog must list exactly one ${type} stack`);
    return stack;
  };
  // Each stack class derives its own id; it must be the one the catalog (and so Terraform Cloud) knows.
  const build = <S extends TerraformStack>(entry: CatalogStack, stack: S): S => {
    if (stack.node.id !== entry.id) throw new Error(`the catalog's stack "${entry.id}" was built as "${stack.node.id}"`);
    return stack;
  };

  const tfc = build(only("tfc"), new TfcStack(app, { config }));
  const platforms: Record<string, PlatformStack> = {};
  for (const entry of catalog.ofType("platform")) {
    platforms[entry.environment] = build(entry, new PlatformStack(app, { config, environmentId: entry.environment }));
  }
  const addons: Record<string, AddonsStack> = {};
  const inputsOf = options.addonInputs ?? ((platform: PlatformStack) => platform.addonInputs);
  for (const entry of catalog.ofType("addons")) {
    const platform = inputsOf(platforms[entry.environment]!);
    addons[entry.environment] = build(entry, new AddonsStack(app, { config, environmentId: entry.environment, platform }));
  }
  const eventEdge = build(only("event-edge"), new EventEdgeStack(app, { config }));
  const events: Record<string, EventStack> = {};
  const syncTarget = platforms[config.events.platform.syncTo]!;
  for (const entry of catalog.ofType("event")) {
    const event = entry.event!;
    events[event.slug] = build(entry, new EventStack(app, { config, event, syncTarget, edge: eventEdge }));
  }
  const control = build(only("control"), new ControlStack(app, { config, now: (options.clock ?? (() => DateTime.now()))() }));
  return {
    app,
    catalog,
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
