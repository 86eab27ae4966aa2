import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  DESTROY_PREVIEW_SUFFIX,
  parsePlanJson,
  parsePolicyReport,
  renderPlanComment,
  summarizePlan,
  type PolicyReport,
  type StackPlan,
} from "../ci/plan-comment";
import type { Command } from "../cli";

/** A usage problem: the command prints it with the usage and exits 2. */
class InputError extends Error {}

export const planCommentCommand: Command = {
  summary: "Render Terraform JSON plans (and the policy report) as the pull-request comment, in Markdown",
  usage:
    "flashcrowd plan-comment --plan <stack>=<plan.json> [--plan ...] [--run-url <stack>=<url>] [--policy <report.json>]\n" +
    "  --plan STACK=FILE     output of `terraform show -json` for a stack; STACK:destroy=FILE for an event's destroy preview\n" +
    "  --run-url STACK=URL   link to the stack's run in Terraform Cloud (a link without a plan is shown as a missing plan)\n" +
    "  --policy FILE         the policy pack's JSON report",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        plan: { type: "string", multiple: true, default: [] },
        "run-url": { type: "string", multiple: true, default: [] },
        policy: { type: "string" },
      },
    });
    try {
      const planFiles = pairs("--plan", values.plan);
      if (planFiles.size === 0) throw new InputError("give at least one --plan <stack>=<plan.json>");
      const runUrls = pairs("--run-url", values["run-url"]);
      for (const [label, url] of runUrls) {
        if (!/^https?:\/\/\S+$/.test(url)) throw new InputError(`--run-url ${label}: "${url}" is not an http(s) URL`);
      }
      const plans: StackPlan[] = [...planFiles].map(([label, file]) => {
        const json = readJson(file, `--plan ${label}`);
        try {
          return summarizePlan(label, parsePlanJson(json));
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
      io.out(renderPlanComment({ plans, runUrls: Object.fromEntries(runUrls), policy }));
      return 0;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.err(`flashcrowd plan-comment: ${error.message}\nusage: ${this.usage}`);
      return 2;
    }
  },
};

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
