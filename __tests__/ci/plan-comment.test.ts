/**
 * The pull-request plan comment, on real plans: a create-only plan of a synthesized stack from
 * the offline Terraform harness, and plans with updates, deletes, replaces, moves, forgets, a
 * destroy preview and one too large for a comment, made by Terraform from state fixtures.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  GITHUB_COMMENT_LIMIT,
  PLAN_COMMENT_MARKER,
  code,
  parsePlanJson,
  parsePolicyReport,
  renderPlanComment,
  summarizePlan,
  type PlanJson,
  type StackPlan,
} from "../../src/ci/plan-comment";
import { constructPaths } from "../../src/ci/plan-diff";
import { findTerraform, runOfflineChecks } from "../../src/ci/terraform-harness";
import { main, type Io } from "../../src/cli/index";
import { estimateStacks } from "../../src/ci/cost";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { synthApp } from "../helpers/app";
import { changePlans, largePlan } from "../helpers/terraform-plans";
import { fixtureConfig } from "../helpers/fixture-config";

// The CLI loads the repository's configuration itself: here its calendar is the fixture calendar.
vi.mock("../../src/config/events", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/config/events")>()),
  calendar: (await vi.importActual<typeof import("../helpers/fixture-calendar")>("../helpers/fixture-calendar")).fixtureCalendar(),
}));

const terraform = findTerraform();
const required = Boolean(process.env.CI || process.env.REQUIRE_TERRAFORM);
/** The event a pull request adds in the new-event tests: its workspace does not exist yet. */
const NEW_EVENT = "event-stadium-show-tickets";
const RUN_URL = "https://app.terraform.io/app/flashcrowd/workspaces/flashcrowd-prod/runs/run-CZcmD7eagjhyX0vN";

const stackJson = (synthDir: string, stack: string): unknown => JSON.parse(readFileSync(join(synthDir, "stacks", stack, "cdk.tf.json"), "utf8"));
const summarize = (label: string, plan: unknown): StackPlan => summarizePlan(label, parsePlanJson(plan));
const detailsBalanced = (text: string) => (text.match(/<details>/g) ?? []).length === (text.match(/<\/details>/g) ?? []).length;

describe("real plans for the plan comment", () => {
  it("can be made where they are required", () => {
    if (!terraform && !required) console.warn("SKIPPED: no Terraform CLI on PATH; the plan-comment tests on real plans did not run.");
    expect(required && !terraform).toBe(false);
  });
});

describe.skipIf(!terraform)("the plan comment on real plans", () => {
  let createOnly: PlanJson;
  let createOnlyResources: number;
  let changes: unknown;
  let noChanges: unknown;
  let destroy: unknown;
  let large: unknown;
  let synthDir: string;
  let newEvent: { json: unknown; path: string; resources: number };

  beforeAll(async () => {
    synthDir = synthApp();
    const checks = await runOfflineChecks({
      synthDir,
      workDir: mkdtempSync(join(tmpdir(), "flashcrowd-plan-comment-")),
      terraform,
      stacks: ["dev", NEW_EVENT],
      planJson: true,
    });
    const planOf = (stack: string) => {
      const check = checks.find((c) => c.stack === stack);
      if (!check?.planJsonPath) throw new Error(`offline plan of ${stack} failed: ${check?.error ?? "no result"}`);
      return { json: JSON.parse(readFileSync(check.planJsonPath, "utf8")) as unknown, path: check.planJsonPath, resources: check.plannedResources! };
    };
    const dev = planOf("dev");
    createOnly = parsePlanJson(dev.json);
    createOnlyResources = dev.resources;
    newEvent = planOf(NEW_EVENT);
    ({ changes, noChanges, destroy } = changePlans(terraform!));
    large = largePlan(terraform!, 400, 150);
  }, 20 * 60_000); // two offline plans, each loading the ~700 MB provider: minutes on a busy machine

  describe("a create-only plan from the offline harness", () => {
    it("counts every resource as a create", () => {
      const plan = summarize("dev", createOnly);
      expect(plan.changes.create.length).toBe(createOnlyResources);
      expect(plan.changes.create.length).toBeGreaterThan(10);
      expect([plan.changes.update, plan.changes.delete, plan.changes.replace]).toEqual([[], [], []]);
    });

    it("is one table row and raises no warning", () => {
      const text = renderPlanComment({ plans: [summarize("dev", createOnly)] });
      expect(text).toContain(`| \`dev\` | ${createOnlyResources} | 0 | 0 | 0 | – |`);
      expect(text).not.toContain("[!CAUTION]");
      expect(text).toMatch(new RegExp(`<details><summary><code>dev</code>: ${createOnlyResources} to create, \\d+ outputs</summary>`));
      expect(text).toMatch(/\n- `aws_vpc\.network_vpc_[A-Z0-9]+`\n/);
    });
  });

  describe("a plan with updates, deletes and replaces", () => {
    it("sorts each address into its action; a replace is a delete and a create of one address", () => {
      const plan = summarize("prod", changes);
      expect(plan.changes).toEqual({
        create: ["terraform_data.new_cache"],
        update: ["terraform_data.settings"],
        delete: ["terraform_data.old_queue", 'terraform_data.shard["b \\"quoted\\""]'],
        replace: ["terraform_data.certificate", "terraform_data.database"],
        import: [],
        move: ["terraform_data.old_name → terraform_data.new_name"],
        forget: ["terraform_data.kept_outside"],
      });
    });

    it("flags the stack at the top with the addresses it deletes or replaces", () => {
      const text = renderPlanComment({ plans: [summarize("prod", changes)], runUrls: { prod: RUN_URL } });
      const caution = text.slice(text.indexOf("[!CAUTION]"), text.indexOf("| Stack |"));
      expect(caution).toContain("**Deletes or replaces in 1 stack**: `prod`");
      expect(caution).toContain("- delete `terraform_data.old_queue`");
      expect(caution).toContain('- delete `terraform_data.shard["b \\"quoted\\""]`');
      expect(caution).toContain("- replace `terraform_data.certificate`");
      expect(caution).toContain("- replace `terraform_data.database`");
      expect(text.indexOf("[!CAUTION]")).toBeLessThan(text.indexOf("| Stack |"));
    });

    it("gives the stack one row with its counts and run link", () => {
      const text = renderPlanComment({ plans: [summarize("prod", changes)], runUrls: { prod: RUN_URL } });
      expect(text).toContain(`| ⚠️ \`prod\` | 1 | 1 | 2 | 2 | [run-CZcmD7eagjhyX0vN](${RUN_URL}) |`);
    });

    it("lists every address under its action in a collapsible block, dangerous actions first", () => {
      const text = renderPlanComment({ plans: [summarize("prod", changes)] });
      const details = text.slice(text.indexOf("<details>"));
      expect(details).toMatch(/^<details><summary><code>prod<\/code>: 2 to delete, 2 to replace, 1 to update, 1 to create, 1 to move, 1 to forget<\/summary>/);
      const order = ["**Delete** (2)", "**Replace** (2)", "**Update** (1)", "**Create** (1)", "**Move** (1)", "**Forget** (1)"].map((h) => details.indexOf(h));
      expect(order.every((position, i) => position > 0 && (i === 0 || position > order[i - 1]!))).toBe(true);
      expect(details).toContain("- `terraform_data.old_name → terraform_data.new_name`");
      expect(detailsBalanced(text)).toBe(true);
    });
  });

  describe("several stacks at once", () => {
    it("folds stacks without changes into one line", () => {
      const text = renderPlanComment({
        plans: [summarize("prod", changes), summarize("dev", noChanges), summarize("control", noChanges)],
        runUrls: { dev: "https://app.terraform.io/app/o/workspaces/flashcrowd-dev/runs/run-aaa" },
      });
      expect(text).toContain("No changes: `dev` [run-aaa](https://app.terraform.io/app/o/workspaces/flashcrowd-dev/runs/run-aaa), `control`.");
      expect(text).not.toContain("| `dev` |");
      expect(text).toContain("**1 of 3 planned stacks changes**: 1 to create, 1 to update, 2 to delete, 2 to replace.");
    });

    it("shows an event's destroy preview apart, without flagging it as a dangerous change", () => {
      const text = renderPlanComment({ plans: [summarize("event-x", noChanges), summarize("event-x:destroy", destroy)] });
      expect(text).not.toContain("[!CAUTION]");
      expect(text).toContain("#### Destroy previews");
      expect(text).toContain("| `event-x` | 9 | – |");
      expect(text).toContain("<details><summary><code>event-x:destroy</code>: 9 to delete</summary>");
      expect(text).toContain("No changes: `event-x`.");
    });
  });

  describe("a pull request that adds an event", () => {
    const render = () => {
      const catalog = stackCatalog(fixtureConfig());
      const plan = summarizePlan(NEW_EVENT, parsePlanJson(newEvent.json), { offline: true, constructPaths: constructPaths(stackJson(synthDir, NEW_EVENT)) });
      return renderPlanComment({ plans: [plan], costs: estimateStacks(synthDir, catalog, [NEW_EVENT]) });
    };

    it("shows the new stack's offline plan, marked as one, by construct path", () => {
      const text = render();
      expect(text).toContain(`> **Offline plan** of \`${NEW_EVENT}\`: its workspace does not exist yet`);
      expect(text).toContain(`| \`${NEW_EVENT}\` | ${newEvent.resources} | 0 | 0 | 0 | offline plan |`);
      expect(text).toContain(`<details><summary><code>${NEW_EVENT}</code> (offline plan): ${newEvent.resources} to create`);
      expect(text).toMatch(new RegExp(`\\n- \`${NEW_EVENT}/network/nat-a\` <sub>\`aws_nat_gateway\\.network_nat-a_[A-F0-9]+\`</sub>\\n`));
    });

    it("shows what the event costs per hour and for its life, with the price table's date", () => {
      const text = render();
      const section = text.slice(text.indexOf("#### Cost estimate"), text.indexOf("<details>"));
      // Opens 2032-01-15 10:00 KST, closes 14:00, lead time 2 h, grace 1 h: 7 hours up.
      expect(section).toMatch(
        new RegExp(`\\| \`${NEW_EVENT}\` \\| \\$\\d+\\.\\d\\d per hour while up; \\$[\\d,.]+ for its life \\(7 h, spin-up 2032-01-15T08:00:00\\+09:00 to teardown 2032-01-15T15:00:00\\+09:00, of which \\$[\\d.]+ pre-warm\\); \\$[\\d,.]+ if kept up all month at its minimum, so \\d+\\.\\d% less \\|`),
      );
      expect(section).toMatch(/Not estimated \(billed by use\): .*Fargate tasks above the scheduled minimum \(autoscaling\)/);
      expect(section).toMatch(/Prices: ap-northeast-2 table of \d{4}-\d{2}-\d{2} \(AWS public pricing pages/);
    });

    it("comes out of the plan-comment command with --offline, --synth-dir and --counts-out", async () => {
      const counts = join(mkdtempSync(join(tmpdir(), "flashcrowd-plan-counts-")), "counts.json");
      const out: string[] = [];
      const io: Io = { out: (t) => out.push(t), err: (t) => out.push(t), env: {} };
      const code = await main(["plan-comment", "--plan", `${NEW_EVENT}=${newEvent.path}`, "--offline", NEW_EVENT, "--synth-dir", synthDir, "--counts-out", counts], io);
      expect(code).toBe(0);
      expect(out.join("\n")).toContain("**Offline plan**");
      expect(out.join("\n")).toContain("#### Cost estimate");
      expect(JSON.parse(readFileSync(counts, "utf8"))).toEqual({
        stacks: { [NEW_EVENT]: { create: newEvent.resources, update: 0, delete: 0, replace: 0, import: 0, move: 0, forget: 0, offline: true, errored: false } },
        totals: { create: newEvent.resources, update: 0, delete: 0, replace: 0, import: 0, move: 0, forget: 0 },
        destroys: false,
      });
    });
  });

  describe("attribute detail over the budget", () => {
    it("is dropped from the largest stack first, saying so, while the smaller stack keeps it", () => {
      // Two stacks with the same real plan; dev's update is made three times as long, so dev is the largest.
      const same = summarize("dev", changes);
      const devPlan: StackPlan = { ...same, resources: same.resources.map((r) => (r.action === "update" ? { ...r, attributes: [...r.attributes, ...r.attributes, ...r.attributes] } : r)) };
      const input = { plans: [summarize("prod", changes), devPlan] };
      const full = renderPlanComment(input);
      const text = renderPlanComment({ ...input, budget: Buffer.byteLength(full, "utf8") - 20 });
      expect(text).toContain("attribute changes are left out for `dev` (largest stacks first)");
      const prodDetails = text.slice(text.indexOf("<summary><code>prod</code>"), text.indexOf("<summary><code>dev</code>"));
      const devDetails = text.slice(text.indexOf("<summary><code>dev</code>"));
      expect(prodDetails).toContain("! input.size: \"small\" -> \"large\"");
      expect(devDetails).not.toContain("```diff");
      expect(devDetails).toContain("- `terraform_data.settings`");
    });
  });

  describe("a plan too large for one comment", () => {
    const render = () => renderPlanComment({ plans: [summarize("event-big", large), summarize("prod", changes)] });

    it("stays under GitHub's 65,536-character limit", () => {
      const full = summarize("event-big", large).changes;
      expect(full.delete.length + full.create.length).toBe(550);
      const text = render();
      expect(text.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
      expect(Buffer.byteLength(text, "utf8")).toBeLessThan(GITHUB_COMMENT_LIMIT);
    });

    it("says it was cut and how much is left out", () => {
      const text = render();
      expect(text).toMatch(/> \[!NOTE\]\n> Cut to fit GitHub's 65,536-character comment limit: \d+ addresses or findings are not listed/);
      expect(text).toMatch(/- … and \d+ more \(see the run for the full plan\)/);
    });

    it("keeps the full counts, the warning and the small stack's lists", () => {
      const text = render();
      expect(text).toContain("| ⚠️ `event-big` | 150 | 0 | 400 | 0 | – |");
      expect(text).toContain("- … and 375 more in the details below");
      expect(text).toContain("- `terraform_data.old_name → terraform_data.new_name`");
      expect(text.startsWith(`${PLAN_COMMENT_MARKER}\n`)).toBe(true);
      expect(detailsBalanced(text)).toBe(true);
    });

    it("uses the budget it is given", () => {
      const text = renderPlanComment({ plans: [summarize("event-big", large)], budget: 8_000 });
      expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(8_000);
      expect(text).toContain("| ⚠️ `event-big` | 150 | 0 | 400 | 0 | – |");
    });
  });
});

describe("the plan comment on hand-made inputs", () => {
  const plan = (changes: { address: string; actions: string[]; mode?: string; importing?: object }[]): unknown => ({
    format_version: "1.2",
    resource_changes: changes.map((c) => ({ address: c.address, mode: c.mode ?? "managed", change: { actions: c.actions, ...(c.importing ? { importing: c.importing } : {}) } })),
  });

  it("begins with the hidden marker the workflow finds it by", () => {
    expect(renderPlanComment({ plans: [summarize("dev", plan([]))] }).split("\n")[0]).toBe("<!-- flashcrowd:plan-comment -->");
  });

  it("lists imports and leaves data-source reads out", () => {
    const p = summarize("tfc", plan([
      { address: "tfe_workspace.tfc", actions: ["no-op"], importing: { id: "org/flashcrowd-tfc" } },
      { address: "data.tfe_project.p", actions: ["read"], mode: "data" },
    ]));
    expect(p.changes.import).toEqual(["tfe_workspace.tfc"]);
    const text = renderPlanComment({ plans: [p] });
    expect(text).toContain("1 to import</summary>");
    expect(text).not.toContain("data.tfe_project");
  });

  it("warns about an errored plan and a stack whose plan is missing", () => {
    const errored = summarizePlan("prod", parsePlanJson({ format_version: "1.2", errored: true, resource_changes: [] }));
    const text = renderPlanComment({ plans: [errored], runUrls: { prod: RUN_URL, dev: "https://app.terraform.io/app/o/workspaces/w/runs/run-zzz" } });
    expect(text).toContain("> The plan of `prod` errored; it is incomplete. See [run-CZcmD7eagjhyX0vN]");
    expect(text).toContain("> No plan for `dev`: it failed or was not produced. See [run-zzz]");
    expect(text).toContain("| ❌ `prod` | 0 | 0 | 0 | 0 |");
  });

  it("writes addresses holding backticks as code that stays intact", () => {
    expect(code("a.b")).toBe("`a.b`");
    expect(code('x["a`b"]')).toBe('`` x["a`b"] ``');
  });

  describe("with a policy report", () => {
    const report = parsePolicyReport({
      stacks: [
        {
          stack: "prod",
          errors: 1,
          warnings: 2,
          suppressed: 3,
          findings: [
            { ruleId: "RdsClusterDeletionProtectionEnabled", severity: "error", address: "aws_rds_cluster.db", message: "deletion protection is off" },
            { ruleId: "S3BucketLogging", severity: "warning", address: "aws_s3_bucket.logs", message: "no <access> logs | *yet*" },
          ],
        },
        { stack: "dev", errors: 0, warnings: 0, suppressed: 1, findings: [] },
      ],
    });

    it("summarizes each stack's errors, warnings and suppressions", () => {
      const text = renderPlanComment({ plans: [summarize("prod", plan([]))], policy: report });
      expect(text).toContain("#### Policy checks");
      expect(text).toContain("| ❌ `prod` | 1 | 2 | 3 |");
      expect(text).toContain("| `dev` | 0 | 0 | 1 |");
    });

    it("flags policy errors at the top", () => {
      const text = renderPlanComment({ plans: [summarize("prod", plan([]))], policy: report });
      expect(text).toContain("> **Policy errors** in `prod` (1)");
      expect(text.indexOf("**Policy errors**")).toBeLessThan(text.indexOf("#### Policy checks"));
    });

    it("lists findings with their rule, address and escaped message", () => {
      const text = renderPlanComment({ plans: [summarize("prod", plan([]))], policy: report });
      expect(text).toContain("- ❌ **RdsClusterDeletionProtectionEnabled** `aws_rds_cluster.db`: deletion protection is off");
      expect(text).toContain("- ⚠️ **S3BucketLogging** `aws_s3_bucket.logs`: no &lt;access&gt; logs \\| \\*yet\\*");
    });

    it.each([
      [{}, "stacks: "],
      [{ stacks: [{ stack: "prod", errors: -1, warnings: 0, suppressed: 0 }] }, "stacks[0].errors: "],
      [{ stacks: [{ stack: "prod", errors: 0, warnings: 0, suppressed: 0, findings: [{ ruleId: "R" }] }] }, "stacks[0].findings[0].severity: "],
    ])("rejects a malformed report %j naming the field", (value, field) => {
      expect(() => parsePolicyReport(value)).toThrow(field);
    });
  });

  it("stays within the budget even with thousands of stacks", () => {
    const plans = Array.from({ length: 3000 }, (_, i) => summarize(`event-sale-${i}`, plan([{ address: "aws_vpc.v", actions: ["create"] }])));
    const text = renderPlanComment({ plans });
    expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(65_000);
    expect(text).toContain("This comment was cut short to fit GitHub's 65,536-character limit");
    expect(detailsBalanced(text)).toBe(true);
  });
});

describe("the plan comment cut short in the middle of changed outputs", () => {
  it("closes the code block it cut, as well as the details, wherever the cut falls", () => {
    const withOutput = (i: number) =>
      summarizePlan(
        `event-sale-${i}`,
        parsePlanJson({
          format_version: "1.2",
          resource_changes: [{ address: "aws_vpc.v", mode: "managed", change: { actions: ["update"], before: { cidr: "10.0.0.0/16" }, after: { cidr: "10.1.0.0/16" } } }],
          output_changes: { vpc_id: { actions: ["update"], before: "vpc-1", after: "vpc-2" } },
        }),
      );
    const plans = Array.from({ length: 20 }, (_, i) => withOutput(i));
    let cutInsideBlock = 0;
    // Budgets a few bytes apart move the cut across every line of the details, code blocks included.
    for (let budget = 2_500; budget <= 4_500; budget += 23) {
      const text = renderPlanComment({ plans, budget });
      expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(budget);
      expect(text).toContain("This comment was cut short");
      const fences = text.split("\n").filter((line) => /^\s*```/.test(line));
      expect(fences.length % 2, text).toBe(0);
      expect(detailsBalanced(text)).toBe(true);
      // The cut's own closing fence is followed by the note's blank lines; the renderer's never is.
      if (/```\n\n\n<\/details>\n\n> \[!WARNING\]/.test(text)) cutInsideBlock += 1;
    }
    expect(cutInsideBlock).toBeGreaterThan(0);
  });
});

describe("npx flashcrowd plan-comment", () => {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-plan-comment-cli-"));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const okPlan = file("ok.json", { format_version: "1.2", resource_changes: [{ address: "aws_vpc.v", mode: "managed", change: { actions: ["create"] } }] });

  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), env: {} };
    const code = await main(["plan-comment", ...args], io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("prints the Markdown comment", async () => {
    const result = await run("--plan", `prod=${okPlan}`, "--run-url", `prod=${RUN_URL}`, "--policy", file("policy.json", { stacks: [] }));
    expect(result.code).toBe(0);
    expect(result.out).toContain(PLAN_COMMENT_MARKER);
    expect(result.out).toContain(`| \`prod\` | 1 | 0 | 0 | 0 | [run-CZcmD7eagjhyX0vN](${RUN_URL}) |`);
  });

  it.each([
    [[], "give at least one --plan"],
    [["--plan", "prod"], '--plan "prod": expected <stack>=<value>'],
    [["--plan", `Prod=${okPlan}`], '"Prod" is not a stack id'],
    [["--plan", `prod=${okPlan}`, "--plan", `prod=${okPlan}`], "--plan: prod is given twice"],
    [["--plan", `prod=${join(dir, "missing.json")}`], "--plan prod: cannot read"],
    [["--plan", `prod=${file("bad.json", "{not json")}`], "is not JSON"],
    [["--plan", `prod=${file("empty.json", {})}`], "is not a Terraform JSON plan (terraform show -json): format_version: "],
    [["--plan", `prod=${okPlan}`, "--run-url", "prod=ftp://x"], '--run-url prod: "ftp://x" is not an http(s) URL'],
    [["--plan", `prod=${okPlan}`, "--policy", file("p.json", { stacks: [{ stack: "prod" }] })], "--policy: "],
    [["--plan", `prod=${okPlan}`, "--offline", "event-x"], "--offline event-x: no --plan event-x=<plan.json> is given"],
    [["--plan", `prod=${okPlan}`, "--synth-dir", dir], `--synth-dir: ${dir} holds no synthesized stacks (no stacks/ folder)`],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain("usage: flashcrowd plan-comment --plan <stack>=<plan.json>");
  });

  it("rejects an unknown option as a usage error", async () => {
    expect((await run("--plans", `prod=${okPlan}`)).code).toBe(2);
  });
});
