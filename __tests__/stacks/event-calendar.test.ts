/**
 * What the calendar does to the app as a whole: one stack per entry, concurrent events kept apart
 * (networks, stacks, distributions, hostnames, names), and exactly what an added entry changes in
 * the permanent stacks.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config";
import { synthApp, stacksIn } from "../helpers/app";
import { calendarOf, configWith } from "../helpers/config";
import { listOf, type TerraformJson } from "../helpers/synth";

const clock = () => DateTime.fromISO("2026-11-22T00:00:00Z");

/** A second sale the same night as the December one, in its own block of the pool. */
const sameNight = (c: ConfigInput) =>
  calendarOf(c).push({
    slug: "dec-night-owls",
    name: "December night owls",
    opens: "2031-12-04T21:00",
    closes: "2031-12-05T01:00",
    timeZone: "Asia/Seoul",
    expectedPeakRps: 8000,
    cidr: "10.64.48.0/20",
  });

const springSale = (c: ConfigInput) =>
  calendarOf(c).push({
    slug: "spring-sale",
    name: "Spring sale",
    opens: "2027-03-20T20:00",
    closes: "2027-03-21T02:00",
    timeZone: "Asia/Seoul",
    expectedPeakRps: 1000,
    cidr: "10.64.32.0/20",
  });

const base = stacksIn(synthApp(configWith(), { clock }));
const concurrent = stacksIn(synthApp(configWith(sameNight), { clock }));

/** Every resource with its type, address and construct path (`<stack>/<construct>/.../<resource>`). */
const resources = (json: TerraformJson) =>
  Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, config]) => ({
      type,
      address: `${type}.${name}`,
      path: `${type} ${(config["//"] as { metadata: { path: string } }).metadata.path}`,
      config,
    })),
  );

describe("concurrent events", () => {
  const a = concurrent.get("event-xmas-mega-sale")!;
  const b = concurrent.get("event-dec-night-owls")!;

  it("get stacks of their own", () => {
    expect([...concurrent.keys()].filter((id) => id.startsWith("event-") && id !== "event-edge").sort()).toEqual([
      "event-dec-night-owls",
      "event-stadium-show-tickets",
      "event-xmas-mega-sale",
    ]);
  });

  it("get disjoint VPC blocks", () => {
    expect(listOf(a, "aws_vpc")[0]!.cidr_block).toBe("10.64.0.0/20");
    expect(listOf(b, "aws_vpc")[0]!.cidr_block).toBe("10.64.48.0/20");
  });

  it("get a distribution each in event-edge, one hostname each, each to its own origin", () => {
    const distributions = listOf(concurrent.get("event-edge")!, "aws_cloudfront_distribution");
    const byAlias = new Map(distributions.map((d) => [(d.aliases as string[]).join(), d]));
    expect([...byAlias.keys()].sort()).toEqual([
      "dec-night-owls.sale.flashcrowd.example",
      "stadium-show-tickets.sale.flashcrowd.example",
      "xmas-mega-sale.sale.flashcrowd.example",
    ]);
    const origin = (alias: string) => (byAlias.get(alias)!.origin as { origin_id: string; domain_name: string }[]).find((o) => o.origin_id === "event")!.domain_name;
    expect(origin("xmas-mega-sale.sale.flashcrowd.example")).toBe("origin-xmas-mega-sale.sale.flashcrowd.example");
    expect(origin("dec-night-owls.sale.flashcrowd.example")).toBe("origin-dec-night-owls.sale.flashcrowd.example");
  });

  it("each point their own origin name at their own load balancer", () => {
    const originRecord = (json: TerraformJson) => listOf(json, "aws_route53_record").map((r) => r.name);
    expect(originRecord(a)).toEqual(["origin-xmas-mega-sale.sale.flashcrowd.example"]);
    expect(originRecord(b)).toEqual(["origin-dec-night-owls.sale.flashcrowd.example"]);
  });

  it("each check their own origin secret", () => {
    const secretOf = (json: TerraformJson) => JSON.stringify(listOf(json, "aws_lb_listener_rule")[0]!.condition).match(/terraform_dataorigin-verify-([a-z0-9-]+)_secret/)![1];
    expect(secretOf(a)).toBe("xmas-mega-sale");
    expect(secretOf(b)).toBe("dec-night-owls");
  });
});

/**
 * Every attribute that names a resource in its account and region (or globally): two stacks that
 * write the same value here would fight over one AWS resource.
 */
const NAME_KEYS = [
  "name",
  "name_prefix",
  "bucket",
  "identifier",
  "cluster_identifier",
  "final_snapshot_identifier",
  "replication_group_id",
  "replication_instance_id",
  "replication_task_id",
  "replication_subnet_group_id",
  "endpoint_id",
  "user_id",
  "user_group_id",
  "function_name",
  "alarm_name",
  "family",
  "configuration_name",
  "key",
] as const;

/** Types whose `name` is scoped to a parent resource of the same stack, so it cannot collide across stacks. */
const SCOPED_NAMES = new Set(["aws_iam_role_policy", "aws_cloudwatch_log_stream"]);
/** Attributes that look like names but are not, per type. */
const NOT_NAMES: Readonly<Record<string, readonly string[]>> = {
  // The engine family of the parameter group, not its name.
  aws_rds_cluster_parameter_group: ["family"],
};
/** Types that refer to another resource by a name-like attribute instead of naming themselves. */
const REFERENCES: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket_policy: ["bucket"],
  aws_s3_bucket_logging: ["bucket"],
  aws_s3_bucket_versioning: ["bucket"],
  aws_s3_bucket_ownership_controls: ["bucket"],
  aws_s3_bucket_public_access_block: ["bucket"],
  aws_s3_bucket_server_side_encryption_configuration: ["bucket"],
  aws_s3_bucket_lifecycle_configuration: ["bucket"],
  aws_s3_object: ["bucket"],
};

/** `type.key=value` for every literal name of a stack (values with `${` are references). */
function namesOf(json: TerraformJson): string[] {
  return resources(json).flatMap(({ type, config }) => {
    const keys = NAME_KEYS.filter((k) => !(SCOPED_NAMES.has(type) && k === "name") && !REFERENCES[type]?.includes(k) && !NOT_NAMES[type]?.includes(k));
    // A DNS record is identified by its name and type (A and AAAA share a name).
    const values: [string, unknown][] = keys.map((k) => [k, type === "aws_route53_record" && k === "name" ? `${String(config.name)} ${String(config.type)}` : config[k]]);
    const tagName = (config.tags as Record<string, unknown> | undefined)?.Name;
    return [...values, ["tags.Name", tagName] as [string, unknown]]
      .filter((e): e is [string, string] => typeof e[1] === "string" && !e[1].includes("${"))
      .map(([k, v]) => `${type}.${k}=${v}`);
  });
}

describe("names", () => {
  const stacks = concurrent;
  const events = [...stacks.keys()].filter((id) => id.startsWith("event-") && id !== "event-edge");

  it("are collected from every kind of named resource of an event stack", () => {
    const names = namesOf(stacks.get("event-xmas-mega-sale")!);
    for (const expected of [
      "aws_rds_cluster.cluster_identifier=flashcrowd-event-xmas-mega-sale-db",
      "aws_rds_cluster.final_snapshot_identifier=flashcrowd-event-xmas-mega-sale-db-final",
      "aws_dms_replication_task.replication_task_id=flashcrowd-event-xmas-mega-sale-sync",
      "aws_lambda_function.function_name=flashcrowd-event-xmas-mega-sale-post-apply",
      "aws_elasticache_replication_group.replication_group_id=flashcrowd-event-xmas-mega-sale-redis",
      "aws_route53_record.name=origin-xmas-mega-sale.sale.flashcrowd.example A",
      "aws_kms_alias.name=alias/flashcrowd-event-xmas-mega-sale-event",
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.length).toBeGreaterThan(100);
  });

  it.each(events.flatMap((x, i) => events.slice(i + 1).map((y) => [x, y])))("of %s and %s never collide", (x, y) => {
    const a = new Set(namesOf(stacks.get(x)!));
    expect(namesOf(stacks.get(y)!).filter((n) => a.has(n))).toEqual([]);
  });

  it.each(events)("of %s never collide with the permanent stacks' (event-edge, control, prod, dev)", (id) => {
    const permanent = new Set(["event-edge", "control", "prod", "dev"].flatMap((p) => namesOf(stacks.get(p)!)));
    expect(namesOf(stacks.get(id)!).filter((n) => permanent.has(n))).toEqual([]);
  });

  it("of the event edge are unique within it, one distribution's names per event", () => {
    const names = namesOf(stacks.get("event-edge")!);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe("adding a calendar entry", () => {
  const after = stacksIn(synthApp(configWith(springSale), { clock }));

  /** Added, changed and removed resources of a stack, as `type construct-path` (their `//` metadata ignored). */
  function diff(id: string): { added: string[]; changed: string[]; removed: string[] } {
    const strip = (c: Record<string, unknown>) => JSON.stringify({ ...c, "//": undefined });
    const before = new Map(resources(base.get(id)!).map((r) => [r.path, strip(r.config)]));
    const now = new Map(resources(after.get(id)!).map((r) => [r.path, strip(r.config)]));
    return {
      added: [...now.keys()].filter((a) => !before.has(a)).sort(),
      changed: [...now.keys()].filter((a) => before.has(a) && before.get(a) !== now.get(a)).sort(),
      removed: [...before.keys()].filter((a) => !now.has(a)).sort(),
    };
  }

  it("adds exactly one stack", () => {
    expect([...after.keys()].filter((id) => !base.has(id))).toEqual(["event-spring-sale"]);
    expect([...base.keys()].filter((id) => !after.has(id))).toEqual([]);
  });

  it("gives event-edge the sale's distribution, its origin access control, its alias records and its origin secret, and lets the distribution read the page", () => {
    expect(diff("event-edge")).toEqual({
      added: [
        "aws_cloudfront_distribution event-edge/cdn-spring-sale/distribution",
        "aws_cloudfront_origin_access_control event-edge/cdn-spring-sale/oac",
        "aws_route53_record event-edge/dns-spring-sale/spring-sale-sale-flashcrowd-example-a",
        "aws_route53_record event-edge/dns-spring-sale/spring-sale-sale-flashcrowd-example-aaaa",
        "terraform_data event-edge/origin-verify-spring-sale/secret",
      ],
      // The one grant of the page bucket and its key now names the new distribution too.
      changed: ["aws_kms_key event-edge/page-key/key", "aws_s3_bucket_policy event-edge/page-bucket/policy"],
      removed: [],
    });
  });

  it("gives control the sale's spin-up and teardown schedules, and its data check the new event's tag", () => {
    expect(diff("control")).toEqual({
      added: ["aws_scheduler_schedule control/schedules/spring-sale-down", "aws_scheduler_schedule control/schedules/spring-sale-up"],
      changed: ["aws_iam_role_policy control/dmsReplication/policy"],
      removed: [],
    });
  });

  it("gives tfc the sale's workspace, its settings, run-role variables, credentials and notifications, and shares event-edge's and prod's state with it", () => {
    expect(diff("tfc")).toEqual({
      added: [
        "tfe_notification_configuration tfc/event-spring-sale/slack",
        "tfe_variable tfc/event-spring-sale/aws-apply-role-arn",
        "tfe_variable tfc/event-spring-sale/aws-plan-role-arn",
        "tfe_workspace tfc/event-spring-sale/workspace",
        "tfe_workspace_settings tfc/event-spring-sale/settings",
        "tfe_workspace_variable_set tfc/event-spring-sale/aws-dynamic-credentials",
      ],
      changed: ["tfe_workspace_settings tfc/event-edge/settings", "tfe_workspace_settings tfc/prod/settings"],
      removed: [],
    });
  });

  it("gives prod, which hosts the account's workload identity, the sale workspace's run roles and changes no other role", () => {
    expect(diff("prod")).toEqual({
      added: [
        "aws_iam_role prod/tfc-workload-identity/flashcrowd-event-spring-sale/apply-role",
        "aws_iam_role prod/tfc-workload-identity/flashcrowd-event-spring-sale/plan-role",
        "aws_iam_role_policy prod/tfc-workload-identity/flashcrowd-event-spring-sale/apply-policy",
        "aws_iam_role_policy prod/tfc-workload-identity/flashcrowd-event-spring-sale/plan-no-data-reads",
        "aws_iam_role_policy_attachment prod/tfc-workload-identity/flashcrowd-event-spring-sale/plan-read-only",
      ],
      changed: [],
      removed: [],
    });
  });

  it.each(["dev", "dev-addons", "prod-addons", "event-xmas-mega-sale", "event-stadium-show-tickets"])("leaves %s as it was", (id) => {
    expect(diff(id)).toEqual({ added: [], changed: [], removed: [] });
  });
});
