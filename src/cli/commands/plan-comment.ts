import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { estimateStacks, type CostEstimate } from "../../ci/cost";
import {
  DESTROY_PREVIEW_SUFFIX,
  parsePlanJson,
  parsePolicyReport,
  planCounts,
  renderPlanComment,
  summarizePlan,
  type PolicyReport,
  type StackPlan,
} from "../../ci/plan-comment";
import { constructPaths } from "../../ci/plan-diff";
import { UsageError, type Io } from "../command";
import { loadConfig } from "../../config";
import { stackCatalog } from "../../topology/stack-catalog";

/** A usage problem: reported as a UsageError (the CLI prints it with the usage and exits 2). */
class InputError extends Error {}

/** `flashcrowd plan-comment`: usage and summary in the registry (../index.ts). */
export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      plan: { type: "string", multiple: true, default: [] },
      "run-url": { type: "string", multiple: true, default: [] },
      policy: { type: "string" },
      offline: { type: "string", multiple: true, default: [] },
      "synth-dir": { type: "string" },
      "counts-out": { type: "string" },
    },
  });
  try {
    const planFiles = pairs("--plan", values.plan);
    if (planFiles.size === 0) throw new InputError("give at least one --plan <stack>=<plan.json>");
    const runUrls = pairs("--run-url", values["run-url"]);
    for (const [label, url] of runUrls) {
      if (!/^https?:\/\/\S+$/.test(url)) throw new InputError(`--run-url ${label}: "${url}" is not an http(s) URL`);
    }
    for (const stack of values.offline) {
      if (!planFiles.has(stack)) throw new InputError(`--offline ${stack}: no --plan ${stack}=<plan.json> is given; name a planned stack`);
    }
    const synthDir = values["synth-dir"];
    if (synthDir !== undefined && !existsSync(join(synthDir, "stacks"))) {
      throw new InputError(`--synth-dir: ${synthDir} holds no synthesized stacks (no stacks/ folder); give the cdktf.out of the planned head`);
    }
    const plans: StackPlan[] = [...planFiles].map(([label, file]) => {
      const json = readJson(file, `--plan ${label}`);
      const stack = label.endsWith(DESTROY_PREVIEW_SUFFIX) ? label.slice(0, -DESTROY_PREVIEW_SUFFIX.length) : label;
      const stackFile = synthDir === undefined ? undefined : join(synthDir, "stacks", stack, "cdk.tf.json");
      const paths = stackFile && existsSync(stackFile) ? constructPaths(readJson(stackFile, `--synth-dir (${stack})`)) : undefined;
      try {
        return summarizePlan(label, parsePlanJson(json), { ...(paths ? { constructPaths: paths } : {}), offline: values.offline.includes(label) });
      } catch (error) {
        throw new InputError(`--plan ${label}: ${file} is ${(error as Error).message}`);
      }
    });
    let policy: PolicyReport | undefined;
    if (values.policy !== undefined) {
      const json = readJson(values.policy, "--policy");
      try {
        policy = parsePolicyReport(json);
      } catch (error) {
        throw new InputError(`--policy: ${values.policy} is ${(error as Error).message}`);
      }
    }
    let costs: CostEstimate[] | undefined;
    if (synthDir !== undefined) {
      const stacks = [...new Set(plans.map((p) => p.stack))];
      costs = estimateStacks(synthDir, stackCatalog(loadConfig(io.env)), stacks);
    }
    io.out(renderPlanComment({ plans, runUrls: Object.fromEntries(runUrls), policy, ...(costs ? { costs } : {}) }));
    if (values["counts-out"] !== undefined) writeFileSync(values["counts-out"], `${JSON.stringify(planCounts(plans), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new UsageError(`flashcrowd plan-comment: ${error.message}`);
  }
}

/** `label=value` options as an ordered map; a label given twice is an error. */
function pairs(option: string, raw: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of raw) {
    const at = item.indexOf("=");
    const label = at > 0 ? item.slice(0, at) : "";
    const value = at > 0 ? item.slice(at + 1) : "";
    if (!label || !value) throw new InputError(`${option} "${item}": expected <stack>=<value>`);
    const stack = label.endsWith(DESTROY_PREVIEW_SUFFIX) ? label.slice(0, -DESTROY_PREVIEW_SUFFIX.length) : label;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(stack)) {
      throw new InputError(`${option} "${item}": "${label}" is not a stack id (lowercase letters, digits, '-'; ${DESTROY_PREVIEW_SUFFIX} for a destroy preview)`);
    }
    if (out.has(label)) throw new InputError(`${option}: ${label} is given twice`);
    out.set(label, value);
  }
  return out;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`${what}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what}: ${file} is not JSON (${(error as Error).message})`);
  }
}
