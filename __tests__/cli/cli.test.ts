import { afterEach, describe, expect, it, vi } from "vitest";
import { commands, loadsCommand, main } from "../../src/cli/index";
import { captureIo } from "../helpers/cli-io";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../helpers/fixture-calendar")>("../helpers/fixture-calendar")).fixtureCalendar(),
}));


describe("flashcrowd CLI", () => {
  it("prints usage and exits 2 without a command", async () => {
    const { io, out } = captureIo();
    expect(await main([], io)).toBe(2);
    expect(out.join("\n")).toContain("usage: flashcrowd <command>");
  });

  it("rejects an unknown command with exit 2", async () => {
    const { io, err } = captureIo();
    expect(await main(["deploy-everything"], io)).toBe(2);
    expect(err.join("\n")).toContain('unknown command "deploy-everything"');
  });

  it("rejects an unknown option with the command's usage and exit 2", async () => {
    const { io, err } = captureIo();
    expect(await main(["stacks", "--bogus"], io)).toBe(2);
    expect(err.join("\n")).toContain("usage: flashcrowd stacks");
  });

  it("lists stacks with workspaces and event schedules as JSON", async () => {
    const { io, out } = captureIo({ TFC_ORG: "acme" });
    expect(await main(["stacks", "--json"], io)).toBe(0);
    const stacks = JSON.parse(out.join("")) as { stack: string; workspace: string; spinUpAt?: string }[];
    expect(stacks.map((s) => s.stack)).toEqual(["tfc", "prod", "prod-addons", "dev", "dev-addons", "event-edge", "control", "event-xmas-mega-sale", "event-stadium-show-tickets"]);
    expect(stacks.find((s) => s.stack === "event-xmas-mega-sale")).toEqual(
      expect.objectContaining({ workspace: "flashcrowd-event-xmas-mega-sale", spinUpAt: "2031-12-04T17:00:00+09:00" }),
    );
  });

  it("exits 2 from check when no Terraform CLI is on PATH", async () => {
    const { io, err } = captureIo({ PATH: "/nonexistent" });
    expect(await main(["check"], io)).toBe(2);
    expect(err.join("\n")).toContain("no Terraform CLI on PATH");
  });

  it("exits 2 from check for an unknown stack, naming the stacks there are", async () => {
    // Any existing file passes the CLI lookup; the stack is rejected before Terraform would run.
    const { io, err } = captureIo({ TERRAFORM_BIN: process.execPath });
    expect(await main(["check", "nope"], io)).toBe(2);
    expect(err.join("\n")).toMatch(/unknown stack nope; stacks are: control, dev, dev-addons, event-edge, event-stadium-show-tickets, event-xmas-mega-sale, prod, prod-addons, tfc/);
  });
});

describe("flashcrowd CLI: commands load on demand", () => {
  afterEach(() => vi.restoreAllMocks());

  /** A spy on every command's loader, by command name. */
  function spyLoaders() {
    return Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, vi.spyOn(command, "load")]));
  }

  it("lists every command in --help, with its summary", async () => {
    const { io, out } = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(Object.keys(commands).length).toBeGreaterThan(5);
    for (const [name, command] of Object.entries(commands)) {
      expect(lines.some((line) => line.startsWith(`  ${name} `) && line.endsWith(`  ${command.summary}`)), name).toBe(true);
    }
  });

  it("loads no command module for --help, a command's --help, or an unknown command", async () => {
    const loaders = spyLoaders();
    for (const argv of [[], ["--help"], ["help"], ["-h"], ...Object.keys(commands).flatMap((name) => [[name, "--help"], [name, "-h"]]), ["nope"], ["constructor"]]) {
      const { io } = captureIo();
      await main(argv, io);
      expect(loadsCommand(argv), argv.join(" ")).toBe(false);
    }
    for (const [name, load] of Object.entries(loaders)) expect(load, name).not.toHaveBeenCalled();
  });

  it("prints a command's usage and summary for --help", async () => {
    const { io, out } = captureIo();
    expect(await main(["changed-stacks", "--help"], io)).toBe(0);
    expect(out.join("\n")).toBe(`usage: ${commands["changed-stacks"]!.usage}\n\n${commands["changed-stacks"]!.summary}`);
  });

  it("loads only the command that runs", async () => {
    const loaders = spyLoaders();
    const { io, out } = captureIo();
    expect(loadsCommand(["policy", "--rules"])).toBe(true);
    expect(await main(["policy", "--rules"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/^id\s+severity\s+domain\s+title$/m);
    for (const [name, load] of Object.entries(loaders)) expect(load, name).toHaveBeenCalledTimes(name === "policy" ? 1 : 0);
  });

  it("gives every command a usage that starts with its name", () => {
    for (const [name, command] of Object.entries(commands)) expect(command.usage.startsWith(`flashcrowd ${name}`), name).toBe(true);
  });
});
