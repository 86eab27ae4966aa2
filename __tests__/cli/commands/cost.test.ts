import { describe, expect, it, vi } from "vitest";
import type { CostEstimate } from "../../../src/ci/cost";
import { HOURS_PER_MONTH, PRICE_TABLES } from "../../../src/ci/prices";
import { main } from "../../../src/cli/index";
import { synthApp } from "../../helpers/app";
import { captureIo } from "../../helpers/cli-io";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../../helpers/fixture-calendar")>("../../helpers/fixture-calendar")).fixtureCalendar(),
}));

describe("flashcrowd cost", () => {
  const synthDir = synthApp();

  it("prints each permanent stack per month, event-edge as idle cost, and each event per hour and for its life", async () => {
    const { io, out } = captureIo();
    expect(await main(["cost", "--synth-dir", synthDir], io)).toBe(0);
    const text = out.join("\n");
    for (const stack of ["prod", "dev", "control"]) expect(text).toMatch(new RegExp(`^${stack}\\s+permanent\\s+\\$[\\d,]+\\.\\d\\d per month$`, "m"));
    expect(text).toMatch(/^event-edge\s+idle\s+\$[\d,]+\.\d\d per month idle/m);
    // The calendar: opens 2031-12-04 20:00 KST with 3 h lead time, closes 2031-12-06 00:00 with 1 h grace.
    expect(text).toMatch(/^event-xmas-mega-sale\s+event\s+\$[\d.]+ per hour while up; \$[\d,.]+ for its life \(32 h, spin-up 2031-12-04T17:00:00\+09:00 to teardown 2031-12-06T01:00:00\+09:00/m);
    expect(text).toMatch(/^event-stadium-show-tickets\s+event\s+.* for its life \(7 h, /m);
    expect(text).toContain(`ap-northeast-1, ap-northeast-2, us-east-1 tables of ${PRICE_TABLES["ap-northeast-2"]!.date} (${PRICE_TABLES["ap-northeast-2"]!.source})`);
    expect(text).toMatch(/Not estimated \(billed by use\): .*CloudFront requests and data transfer/);
  });

  it("gives the same figures as JSON, consistent with each other", async () => {
    const { io, out } = captureIo();
    expect(await main(["cost", "--synth-dir", synthDir, "--json"], io)).toBe(0);
    const costs = JSON.parse(out.join("\n")) as CostEstimate[];
    expect(costs.map((c) => c.stack)).toEqual(["prod", "prod-addons", "dev", "dev-addons", "event-edge", "control", "event-xmas-mega-sale", "event-stadium-show-tickets"]);
    const prod = costs.find((c) => c.stack === "prod")!;
    expect(prod.perMonth).toBeCloseTo(prod.items.reduce((s, i) => s + i.perHour * HOURS_PER_MONTH + i.perMonth, 0), 6);
    // prod: a NAT gateway per AZ, an EKS cluster, two provisioned Aurora instances.
    expect(prod.items.filter((i) => i.what === "NAT gateway")).toHaveLength(3);
    expect(prod.items.filter((i) => i.what === "EKS cluster")).toHaveLength(1);
    expect(prod.items.filter((i) => i.what === "Aurora db.r7g.large")).toHaveLength(2);
    const sale = costs.find((c) => c.stack === "event-xmas-mega-sale")!;
    expect(sale.event!.hours).toBe(32);
    expect(sale.event!.life).toBeCloseTo(sale.perHour * 32 + sale.event!.prewarm.reduce((s, p) => s + p.usd, 0), 6);
    expect(sale.event!.prewarm.map((p) => p.address).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_ecs_service\.svc-web_service_/)]));
    expect(sale.event!.saving).toBeGreaterThan(0.8);
  });

  it("estimates only the named stacks and lists items with --items", async () => {
    const { io, out } = captureIo();
    expect(await main(["cost", "event-edge", "--synth-dir", synthDir, "--items"], io)).toBe(0);
    const text = out.join("\n");
    expect(text).not.toMatch(/^prod\s/m);
    expect(text).toMatch(/WAF web ACL\s+1\s+us-east-1/);
  });

  it("rejects an unknown stack", async () => {
    const { io, err } = captureIo();
    expect(await main(["cost", "staging", "--synth-dir", synthDir], io)).toBe(2);
    expect(err.join("\n")).toContain("unknown stack staging; stacks are: tfc, prod");
  });
});
