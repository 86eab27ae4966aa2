/**
 * The whole event lifecycle, rehearsed: the state machine synthesized by the app (for a fixture
 * calendar) runs on a simulated clock and drives the real handler code against the Terraform
 * Cloud and AWS fakes and two real MariaDB servers. One test per scenario (`flashcrowd rehearse
 * --list`), each checking its own expectation and the product's promise: nothing is destroyed
 * unless every order of the event is in prod.
 *
 * Needs MariaDB (Debian's mariadb-server). Without it the suite is skipped with a message, unless
 * CI or REQUIRE_MARIADB is set, where a missing server fails the run.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeMariadbRequirement, mariadbMissing } from "../helpers/mariadb";
import { currentRegion, region } from "../../src/ci/docs/generated-part";
import { cell } from "../../src/ci/docs/markdown";
import { rehearsalScenariosPart, scenarioTable } from "../../src/ci/docs/rehearsal-scenarios";
import { dataPromise } from "../../src/rehearsal/rehearsal";
import { runScenarios, startServers, synthesizeForRehearsal, type Servers } from "../../src/rehearsal/run";
import { SCENARIOS, scenarioNamed } from "../../src/rehearsal/scenarios";
import { REHEARSAL_SLUG, rehearsalConfig, rehearsalInput } from "../helpers/rehearsal-config";


describeMariadbRequirement("the lifecycle rehearsal");

describe("the product's promise, as the rehearsal checks it", () => {
  it.each([
    [{ destroyed: true, eventRows: 10, prodRows: 10, ordersWritten: 10, ordersLostWithQueues: 0 }, []],
    [{ destroyed: false, eventRows: 10, prodRows: 9, ordersWritten: 10, ordersLostWithQueues: 0 }, []],
    [{ destroyed: true, eventRows: 10, prodRows: 9, ordersWritten: 10, ordersLostWithQueues: 0 }, ["destroyed with 9 event orders in prod of 10 written"]],
    [{ destroyed: true, eventRows: 10, prodRows: 10, ordersWritten: 10, ordersLostWithQueues: 2 }, ["2 orders were destroyed with their queue"]],
  ])("judges %j", (report, problems) => {
    expect(dataPromise(report)).toEqual(problems);
  });
});

describe.skipIf(mariadbMissing)("the event lifecycle, rehearsed", () => {
  const config = rehearsalConfig();
  let servers: Servers;
  let synth: { dir: string; dispose(): void };

  beforeAll(async () => {
    synth = synthesizeForRehearsal(config, REHEARSAL_SLUG);
    servers = await startServers();
  }, 180_000);

  afterAll(async () => {
    await servers?.stop();
    synth?.dispose();
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    // GIVEN the synthesized lifecycle and the scenario's world; WHEN it runs spin-up to teardown
    const [report] = await runScenarios({ config, input: rehearsalInput(), slug: REHEARSAL_SLUG, synthDir: synth.dir, scenarios: [scenario], servers });
    // THEN its expectation and the data promise hold
    expect(report!.problems, report!.timeline.join("\n")).toEqual([]);
  }, 180_000);

  it("fails a lifecycle whose teardown destroys without verifying (the rehearsal can fail)", async () => {
    // GIVEN a synthesized state machine whose verification choice is bypassed
    const broken = mkdtempSync(join(tmpdir(), "flashcrowd-broken-"));
    try {
      cpSync(synth.dir, broken, { recursive: true });
      const file = join(broken, "stacks", "control", "cdk.tf.json");
      const stack = JSON.parse(readFileSync(file, "utf8")) as { resource: { aws_sfn_state_machine: Record<string, { definition: string }> } };
      for (const sm of Object.values(stack.resource.aws_sfn_state_machine)) {
        const definition = JSON.parse(sm.definition) as { States: Record<string, Record<string, unknown>> };
        definition.States.DataVerified = { Type: "Pass", Next: "SnapshotVerifiedData" };
        sm.definition = JSON.stringify(definition);
      }
      writeFileSync(file, JSON.stringify(stack));
      // WHEN a row differs in prod
      const [report] = await runScenarios({ config, input: rehearsalInput(), slug: REHEARSAL_SLUG, synthDir: broken, scenarios: [scenarioNamed("row-missing-in-prod")], servers });
      // THEN the rehearsal reports the destroyed environment with an order missing in prod
      expect(report!.destroyed).toBe(true);
      expect(report!.problems.join("\n")).toMatch(/destroyed with \d+ event orders in prod of \d+ written/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("docs/rehearsal.md", () => {
  it("lists every scenario with its summary, as --list does (else: npm run docs)", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "rehearsal.md"), "utf8");
    const table = scenarioTable();
    for (const s of SCENARIOS) expect(table).toContain(`| \`${s.name}\` | ${cell(s.summary)} |`);
    expect(currentRegion(doc, rehearsalScenariosPart.name), "docs/rehearsal.md is stale: run `npm run docs`").toBe(region(rehearsalScenariosPart.name, table));
  });
});
