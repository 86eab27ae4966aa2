import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import { SALE_PAGE_PATH, SALE_PAGE_SOURCE } from "../../stacks/event-edge-stack";
import { configWith, eventsInOwnAccount } from "../helpers/config";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

interface Policy {
  Statement: { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, unknown>> }[];
}

const config = fixtureConfig();
const edge = synthJson(buildApp(config, { clock: fixtureClock }).eventEdge);
const ownAccount = synthJson(buildApp(configWith(eventsInOwnAccount), { clock: fixtureClock }).eventEdge);

type Distribution = {
  aliases: string[];
  origin: { origin_id: string; domain_name: string; custom_header?: { name: string; value: string }[]; origin_access_control_id?: string }[];
  origin_group: { origin_id: string; member: { origin_id: string }[]; failover_criteria: { status_codes: number[] } }[];
  default_cache_behavior: { target_origin_id: string; allowed_methods: string[] };
  ordered_cache_behavior: { path_pattern: string; target_origin_id: string; allowed_methods: string[] }[];
  custom_error_response: { error_code: number; response_code: number; response_page_path: string }[];
  viewer_certificate: { acm_certificate_arn: string };
  web_acl_id: string;
  logging_config: { prefix: string };
};
const distributions = listOf(edge, "aws_cloudfront_distribution") as unknown as Distribution[];
const distribution = (slug: string) => distributions.find((d) => d.aliases[0] === `${slug}.sale.flashcrowd.example`)!;
const bucketPolicy = (json: TerraformJson, fragment: string) =>
  parseJsonAttribute<Policy>(Object.entries(resourcesOf(json, "aws_s3_bucket_policy")).find(([id]) => id.startsWith(fragment))![1].policy);

describe("event-edge: one distribution per calendar event", () => {
  it("serves each event's hostname from a distribution of its own", () => {
    expect(distributions.map((d) => d.aliases).sort()).toEqual([["stadium-show-tickets.sale.flashcrowd.example"], ["xmas-mega-sale.sale.flashcrowd.example"]]);
  });

  it("fails over from the event's origin to the page bucket, reads only", () => {
    const d = distribution("xmas-mega-sale");
    expect(d.origin_group).toEqual([
      { origin_id: "event-or-page", member: [{ origin_id: "event" }, { origin_id: "page" }], failover_criteria: { status_codes: [500, 502, 503, 504] } },
    ]);
    expect(d.default_cache_behavior).toEqual(expect.objectContaining({ target_origin_id: "event-or-page", allowed_methods: ["GET", "HEAD", "OPTIONS"] }));
  });

  it("sends the event's origin-<slug> name its own origin-verify secret", () => {
    const event = distribution("xmas-mega-sale").origin.find((o) => o.origin_id === "event")!;
    expect(event.domain_name).toBe("origin-xmas-mega-sale.sale.flashcrowd.example");
    expect(event.custom_header).toEqual([
      { name: "X-Origin-Verify", value: expect.stringMatching(/^\$\{sensitive\(terraform_data\.origin-verify-xmas-mega-sale_secret_[A-Z0-9]+\.output\)\}$/) },
    ]);
    const other = distribution("stadium-show-tickets").origin.find((o) => o.origin_id === "event")!;
    expect(other.custom_header![0]!.value).toContain("origin-verify-stadium-show-tickets");
  });

  it("routes the API's paths straight to the origin with every method, and the page's path to the bucket", () => {
    expect(distribution("xmas-mega-sale").ordered_cache_behavior.map((b) => [b.path_pattern, b.target_origin_id, b.allowed_methods.length])).toEqual([
      ["/_sale/*", "page", 3],
      ["/api/*", "event", 7],
    ]);
  });

  it("answers the page bucket's 403 (no such object after a failover) with the page and 503", () => {
    expect(distribution("xmas-mega-sale").custom_error_response).toEqual([
      expect.objectContaining({ error_code: 403, response_code: 503, response_page_path: SALE_PAGE_PATH }),
    ]);
  });

  it("shares one WAF, one us-east-1 certificate and one log bucket between the events, each logging under its slug", () => {
    expect(new Set(distributions.map((d) => d.web_acl_id)).size).toBe(1);
    expect(new Set(distributions.map((d) => d.viewer_certificate.acm_certificate_arn)).size).toBe(1);
    expect(distributions.map((d) => d.logging_config.prefix).sort()).toEqual(["cloudfront/stadium-show-tickets/", "cloudfront/xmas-mega-sale/"]);
    expect(listOf(edge, "aws_wafv2_web_acl")).toEqual([expect.objectContaining({ provider: "aws.us_east_1", scope: "CLOUDFRONT" })]);
  });

  it("points each event's hostname at its distribution (A and AAAA) in the event zone", () => {
    const aliases = listOf(edge, "aws_route53_record").filter((r) => r.alias);
    expect(aliases.map((r) => [r.name, r.type, r.zone_id]).sort()).toEqual([
      ["stadium-show-tickets.sale.flashcrowd.example", "A", "Z0210987654321SALEZONE"],
      ["stadium-show-tickets.sale.flashcrowd.example", "AAAA", "Z0210987654321SALEZONE"],
      ["xmas-mega-sale.sale.flashcrowd.example", "A", "Z0210987654321SALEZONE"],
      ["xmas-mega-sale.sale.flashcrowd.example", "AAAA", "Z0210987654321SALEZONE"],
    ]);
  });
});

describe("event-edge: certificates", () => {
  const certificates = listOf(edge, "aws_acm_certificate");

  it("issues <domain> and *.<domain> in us-east-1 for the distributions", () => {
    expect(certificates.find((c) => c.provider === "aws.us_east_1")).toEqual(
      expect.objectContaining({ domain_name: "sale.flashcrowd.example", subject_alternative_names: ["*.sale.flashcrowd.example"] }),
    );
  });

  it("issues *.<domain> in the events region for the event load balancers, validated by the same records", () => {
    expect(certificates.find((c) => c.provider === undefined)).toEqual(expect.objectContaining({ domain_name: "*.sale.flashcrowd.example" }));
    const records = listOf(edge, "aws_route53_record").filter((r) => !r.alias);
    expect(records).toHaveLength(2);
    const regional = Object.entries(resourcesOf(edge, "aws_acm_certificate_validation")).find(([id]) => id.startsWith("origin-certificate"))![1];
    expect(regional.validation_record_fqdns).toBeUndefined();
    expect(regional.depends_on).toHaveLength(2);
  });
});

describe("event-edge: the sale page", () => {
  it("uploads the page kept in the repository, short-cached", () => {
    expect(listOf(edge, "aws_s3_object")).toEqual([
      expect.objectContaining({ key: "_sale/index.html", content: readFileSync(SALE_PAGE_SOURCE, "utf8"), content_type: "text/html; charset=utf-8", cache_control: "public, max-age=60" }),
    ]);
  });

  it("has no health check object, so the lifecycle's smoke check fails while the event origin is down", () => {
    expect(listOf(edge, "aws_s3_object").map((o) => o.key)).not.toContain("healthz");
  });

  it("lets every event distribution, and nothing else, read the page bucket and its key, in one statement each", () => {
    const grant = bucketPolicy(edge, "page-bucket").Statement.find((s) => s.Sid === "EventDistributionsReadPages")!;
    expect(grant.Action).toBe("s3:GetObject");
    expect(grant.Condition!.StringEquals!["AWS:SourceArn"]).toEqual([
      expect.stringMatching(/aws_cloudfront_distribution\.cdn-xmas-mega-sale_distribution_[A-Z0-9]+\.arn/),
      expect.stringMatching(/aws_cloudfront_distribution\.cdn-stadium-show-tickets_distribution_[A-Z0-9]+\.arn/),
    ]);
    const keys = listOf(edge, "aws_kms_key").map((k) => parseJsonAttribute<Policy>(k.policy));
    expect(keys.flatMap((k) => k.Statement).filter((s) => s.Sid === "EventDistributionsReadPagesDecrypt")).toHaveLength(1);
  });
});

describe("event-edge: what outlives the events", () => {
  it("keeps the event databases' key permanent (30-day deletion window, rotated)", () => {
    const key = Object.entries(resourcesOf(edge, "aws_kms_key")).find(([id]) => id.startsWith("database-key"))![1];
    expect(key).toEqual(expect.objectContaining({ deletion_window_in_days: 30, enable_key_rotation: true }));
  });

  it("refuses to destroy its buckets: access logs, the log archive, the page", () => {
    const buckets = listOf(edge, "aws_s3_bucket");
    expect(buckets.map((b) => b.bucket).sort()).toEqual([
      "flashcrowd-event-edge-archive-210987654321",
      "flashcrowd-event-edge-logs-210987654321",
      "flashcrowd-event-edge-pages-210987654321",
    ]);
    for (const b of buckets) expect(b).toEqual(expect.objectContaining({ force_destroy: false, lifecycle: { prevent_destroy: true } }));
  });

  it("lets ELB write every event ALB's access logs under alb/<slug>", () => {
    expect(bucketPolicy(edge, "access-logs").Statement.find((s) => s.Sid === "EventAlbAccessLogs")).toEqual(
      expect.objectContaining({ Principal: { AWS: "arn:aws:iam::600734575887:root" }, Action: "s3:PutObject", Resource: expect.stringMatching(/\/alb\/\*\/AWSLogs\/210987654321\/\*$/) }),
    );
  });

  it("sends DMS events and alarms of every event to one topic with e-mail and Slack, DMS allowed to publish", () => {
    expect(listOf(edge, "aws_sns_topic")).toEqual([expect.objectContaining({ name: "flashcrowd-event-edge-event-alerts" })]);
    expect(listOf(edge, "aws_sns_topic_subscription")).toEqual([expect.objectContaining({ protocol: "email", endpoint: "sale-ops@flashcrowd.example" })]);
    expect(listOf(edge, "aws_chatbot_slack_channel_configuration")).toEqual([expect.objectContaining({ slack_channel_id: "C07SALEALRT" })]);
    const topic = parseJsonAttribute<Policy>(listOf(edge, "aws_sns_topic_policy")[0]!.policy);
    expect(topic.Statement.find((s) => s.Sid === "ServicesPublish")!.Principal).toEqual({ Service: "dms.amazonaws.com" });
  });
});

describe("event-edge: images and account-wide pieces", () => {
  it("creates the event repositories under <project>/event/, replicated by prod's rule", () => {
    expect(listOf(edge, "aws_ecr_repository").map((r) => r.name).sort()).toEqual(["flashcrowd/event/api", "flashcrowd/event/web", "flashcrowd/event/worker"]);
    expect(listOf(edge, "aws_ecr_replication_configuration")).toEqual([]);
  });

  it("leaves the DMS roles and the Terraform Cloud identity to prod, which hosts the shared account", () => {
    expect(listOf(edge, "aws_iam_role").map((r) => r.name)).toEqual(["flashcrowd-event-edge-event-alerts-chatbot"]);
    expect(listOf(edge, "aws_iam_openid_connect_provider")).toEqual([]);
  });

  it("owns the replication, the DMS roles and the workload identity of an events account of its own", () => {
    expect(listOf(ownAccount, "aws_ecr_replication_configuration")).toHaveLength(1);
    expect(listOf(ownAccount, "aws_iam_role").map((r) => r.name)).toEqual(expect.arrayContaining(["dms-vpc-role", "dms-cloudwatch-logs-role", "flashcrowd-event-edge-tfc-plan", "flashcrowd-event-edge-tfc-apply"]));
    expect(listOf(ownAccount, "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(listOf(ownAccount, "aws_iam_policy").map((p) => p.name)).toEqual(["flashcrowd-run-boundary"]);
  });
});
