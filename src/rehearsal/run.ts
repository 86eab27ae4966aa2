/**
 * Runs scenarios of the rehearsal for one event of a configuration: synthesizes the app as of a
 * day before the event's spin-up (so both of its schedules exist), starts the two MariaDB servers
 * once, and runs each scenario on fresh databases.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../app/app";
import type { DateTime } from "luxon";
import { validateConfig, type Config } from "../config";
import type { ConfigInput } from "../config/schema";
import { withCheapStackTraces } from "../core/cdktf-workarounds";
import { startMariadb, type MariadbServer } from "./mariadb";
import { rehearse } from "./rehearsal";
import type { RehearsalEvent, RehearsalReport } from "./types";
import type { Scenario } from "./scenarios";

export interface Servers {
  readonly event: MariadbServer;
  readonly prod: MariadbServer;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [event, prod] = await Promise.all([startMariadb({ name: "rehearsal-event" }), startMariadb({ name: "rehearsal-prod" })]);
  return { event, prod, stop: async () => void (await Promise.all([event.stop(), prod.stop()])) };
}

/** The event of the configuration (calendar, not retired) with what the rehearsal needs of it. */
export function rehearsalEvent(config: Config, slug: string): RehearsalEvent {
  const event = config.events.calendar.find((e) => e.slug === slug);
  if (!event) {
    const known = config.events.calendar.map((e) => e.slug).join(", ") || "none";
    throw new Error(`no event "${slug}" on the calendar (events on it: ${known})`);
  }
  return { slug, zone: event.zone, opensAt: event.opensAt.toMillis(), closesAt: event.closesAt.toMillis(), keyBlock: event.keyBlock };
}

/**
 * Synthesizes `config` into a scratch folder as of one day before the event's spin-up, or as of
 * `at` (a calendar edit deployed during the sale).
 */
export function synthesizeForRehearsal(config: Config, slug: string, at?: DateTime): { dir: string; dispose(): void } {
  const event = config.events.calendar.find((e) => e.slug === slug);
  if (!event) throw new Error(`no event "${slug}" on the calendar`);
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-rehearsal-"));
  withCheapStackTraces(() => buildApp(config, { outdir: dir, clock: () => at ?? event.spinUpAt.minus({ days: 1 }) }).synth());
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The configuration with the scenario's calendar edit, synthesized as of an hour after the spin-up. */
function editedSynthesis(config: Config, input: ConfigInput, slug: string, scenario: Scenario): { dir: string; dispose(): void } | undefined {
  if (!scenario.calendarEdit) return undefined;
  const edited = structuredClone(input);
  scenario.calendarEdit(edited.events.calendar as { slug: string; closes: string }[]);
  const editedConfig = validateConfig(edited, {});
  const spinUp = config.events.calendar.find((e) => e.slug === slug)!.spinUpAt;
  return synthesizeForRehearsal(editedConfig, slug, spinUp.plus({ hours: 1 }));
}

export interface RunScenariosOptions {
  readonly config: Config;
  /** The input `config` was validated from: scenarios that edit the calendar edit a copy. */
  readonly input: ConfigInput;
  readonly slug: string;
  readonly synthDir: string;
  readonly scenarios: readonly Scenario[];
  readonly servers: Servers;
  readonly print?: (line: string) => void;
}

export async function runScenarios(options: RunScenariosOptions): Promise<RehearsalReport[]> {
  const platform = options.config.events.platform;
  const reports: RehearsalReport[] = [];
  for (const scenario of options.scenarios) {
    options.print?.(`\n=== ${scenario.name}: ${scenario.summary}`);
    const edited = editedSynthesis(options.config, options.input, options.slug, scenario);
    try {
      reports.push(
        await rehearse({
        synthDir: options.synthDir,
        ...(edited ? { editedSynthDir: edited.dir } : {}),
        event: rehearsalEvent(options.config, options.slug),
        region: platform.region,
        account: platform.account,
        organization: options.config.project.terraformCloud.organization,
        syncTo: platform.syncTo,
        servers: options.servers,
        scenario,
        print: options.print,
      }),
      );
    } finally {
      edited?.dispose();
    }
  }
  return reports;
}
