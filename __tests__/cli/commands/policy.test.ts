import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/index";
import { synthApp } from "../../helpers/app";
import { captureIo } from "../../helpers/cli-io";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../../helpers/fixture-calendar")>("../../helpers/fixture-calendar")).fixtureCalendar(),
}));

describe("flashcrowd policy", () => {
  const synthDir = synthApp();

  it("prints a table per stack, writes the JSON report and exits 0 on the fixture configuration's stacks", async () => {
    const { io, out } = captureIo();
    const jsonFile = join(mkdtempSync(join(tmpdir(), "flashcrowd-policy-cli-")), "policy.json");
    expect(await main(["policy", "--synth-dir", synthDir, "--json", jsonFile], io)).toBe(0);
    const text = out.join("\n");
    for (const stack of ["prod", "dev", "event-xmas-mega-sale", "event-stadium-show-tickets"]) expect(text).toMatch(new RegExp(`^${stack} \\(`, "m"));
    const report = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(report).toMatchObject({ version: 1, ok: true, totals: { errors: 0 } });
  });

  it("exits 1 when a stack has an unsuppressed error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-policy-cli-"));
    mkdirSync(join(dir, "stacks", "prod"), { recursive: true });
    writeFileSync(join(dir, "stacks", "prod", "cdk.tf.json"), JSON.stringify({ resource: { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } } } }));
    const { io, out } = captureIo();
    expect(await main(["policy", "--synth-dir", dir], io)).toBe(1);
    expect(out.join("\n")).toMatch(/error\s+VPC-FLOW-LOGS\s+aws_vpc\.vpc/);
  });

  it("checks only the named stacks", async () => {
    const { io, out } = captureIo();
    expect(await main(["policy", "prod", "--synth-dir", synthDir], io)).toBe(0);
    expect(out.join("\n")).not.toMatch(/^dev \(/m);
  });

  it("rejects an unknown stack", async () => {
    const { io, err } = captureIo();
    expect(await main(["policy", "staging", "--synth-dir", synthDir], io)).toBe(2);
    expect(err.join("\n")).toContain("unknown stack staging");
  });

  it("lists the rules", async () => {
    const { io, out } = captureIo();
    expect(await main(["policy", "--rules"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/DMS-TARGET-PREP-DO-NOTHING\s+error\s+data-safety/);
  });
});
