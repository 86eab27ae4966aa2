import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { changedStacks } from "../../src/ci/changed-stacks";
import { main, type Io } from "../../src/cli/index";
import type { ConfigInput } from "../../src/config";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { synthApp } from "../helpers/app";
import { calendarOf, configWith } from "../helpers/config";
import { fixtureConfig } from "../helpers/fixture-config";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../helpers/fixture-calendar")>("../helpers/fixture-calendar")).fixtureCalendar(),
}));

const catalog = stackCatalog(fixtureConfig());
const base = synthApp(fixtureConfig());
const headWith = (change: (c: ConfigInput) => void) => synthApp(configWith(change));

describe("changed stacks", () => {
  it("finds none between two syntheses of the same code", () => {
    expect(changedStacks(base, synthApp(fixtureConfig()), catalog).changed).toEqual([]);
  });

  it("finds the one stack whose configuration changed", () => {
    const head = headWith((c) => (c.environments.dev!.network.flowLogRetentionDays = 30));
    expect(changedStacks(base, head, catalog)).toMatchObject({ changed: ["dev"], permanent: ["dev"], ephemeral: [], added: [], removed: [] });
  });

  it("sees a new event as a new stack plus its workspace (tfc), run role (prod), distribution (event-edge) and schedules (control), in deploy order", () => {
    const addSpringSale = (c: ConfigInput) =>
      calendarOf(c).push({
        ...structuredClone(calendarOf(c)[1]!),
        slug: "spring-sale",
        name: "Spring sale",
        cidr: "10.64.32.0/20",
        // Its own key block: events may not share one.
        keyBlock: { first: 9_200_000_000_000, size: 100_000_000_000 },
      });
    const changes = changedStacks(base, headWith(addSpringSale), stackCatalog(configWith(addSpringSale)));
    expect(changes.changed).toEqual(["tfc", "prod", "event-edge", "control", "event-spring-sale"]);
    expect(changes.added).toEqual(["event-spring-sale"]);
    expect(changes.permanent).toEqual(["tfc", "prod", "event-edge", "control"]);
    expect(changes.ephemeral).toEqual(["event-spring-sale"]);
  });

  it("reports a stack that is gone", () => {
    const head = headWith((c) => calendarOf(c).splice(1, 1));
    const changes = changedStacks(base, head, catalog);
    expect(changes.removed).toEqual(["event-stadium-show-tickets"]);
    expect(changes.changed).toEqual(["tfc", "prod", "event-edge", "control"]);
  });

  it("ignores cdktf's // comments, which Terraform never reads", () => {
    const head = synthApp(fixtureConfig());
    const file = join(head, "stacks", "dev", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as { "//": { metadata: Record<string, unknown> } };
    json["//"].metadata.version = "9.9.9";
    writeFileSync(file, JSON.stringify(json, null, 4));
    expect(changedStacks(base, head, catalog).changed).toEqual([]);
  });

  it("treats every stack as new when the base has no synthesized app", () => {
    const changes = changedStacks(mkdtempSync(join(tmpdir(), "empty-")), base, catalog);
    expect(changes.added).toEqual(changes.changed);
    expect(changes.changed).toEqual(["tfc", "prod", "prod-addons", "dev", "dev-addons", "event-edge", "control", "event-xmas-mega-sale", "event-stadium-show-tickets"]);
  });
});

describe("npx flashcrowd changed-stacks", () => {
  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), env: {} };
    return { code: await main(["changed-stacks", ...args], io), out: out.join("\n"), err: err.join("\n") };
  }

  it("prints the changes as JSON for the workflows", async () => {
    const head = headWith((c) => (c.environments.prod!.network.flowLogRetentionDays = 400));
    const result = await run("--base", base, "--head", head, "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ changed: ["prod"], added: [], removed: [], permanent: ["prod"], ephemeral: [], unknown: [] });
  });

  it("prints a table by default", async () => {
    const result = await run("--base", mkdtempSync(join(tmpdir(), "empty-")), "--head", base);
    expect(result.out).toMatch(/^stack\s+change\s+kind\n/);
    expect(result.out).toMatch(/event-xmas-mega-sale\s+added\s+ephemeral/);
    expect(result.err).toContain("every stack counts as new");
  });

  describe("refuses to remove an event whose environment may be up", () => {
    /** A sale that started before today and runs until 2099, so it is live whenever this test runs. */
    const longSale = (c: ConfigInput) =>
      calendarOf(c).push({
        slug: "long-sale",
        name: "Long sale",
        opens: "2026-11-01T10:00:00+09:00",
        closes: "2099-12-31T10:00:00+09:00",
        expectedPeakRps: 100,
        cidr: "10.64.32.0/20",
      });

    it("fails, naming the event and the fix, before anything is applied", async () => {
      // GIVEN a base with the live sale and a head without it
      const result = await run("--base", headWith(longSale), "--head", base);
      // THEN the command fails and says why
      expect(result.code).toBe(1);
      expect(result.err).toContain('::error::event "long-sale" was removed from the calendar, but its environment may be up');
      expect(result.err).toContain("set retired: true from 2100-01-01T02:00:00Z");
    });

    it("lets a base without the event add it", async () => {
      const result = await run("--base", base, "--head", headWith(longSale), "--json");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ added: ["event-long-sale"], removed: [] });
    });
  });

  it.each([
    [["--head", "x"], "--base and --head are required"],
    [["--base", "x", "--head", "/nonexistent"], "holds no synthesized stacks"],
  ])("exits 2 for %j", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
  });
});
