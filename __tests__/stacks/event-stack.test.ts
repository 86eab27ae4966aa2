import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import { synthApp } from "../helpers/app";
import { configWith } from "../helpers/config";
import { listOf, parseJsonAttribute, type TerraformJson } from "../helpers/synth";

// The whole app is synthesized: cross-stack references (prod -> event) resolve only there.
function synthStacks(config: Config): (id: string) => TerraformJson {
  const outdir = synthApp(config);
  return (id) => JSON.parse(readFileSync(join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson;
}

const config = loadConfig({});
const built = buildApp(config);
const stacks = synthStacks(config);
const sale = stacks("event-dec-flash-sale");
const prod = stacks("prod");

describe("event stack", () => {
  it("runs an ECS cluster with Container Insights", () => {
    expect(listOf(sale, "aws_ecs_cluster")).toEqual([
      expect.objectContaining({ name: "flashcrowd-event-dec-flash-sale-ecs", setting: [{ name: "containerInsights", value: "enabled" }] }),
    ]);
  });

  it("has an order queue and dead-letter queue encrypted with the event key, sized from config", () => {
    const queues = listOf(sale, "aws_sqs_queue");
    expect(queues.map((q) => q.name).sort()).toEqual(["flashcrowd-event-dec-flash-sale-orders", "flashcrowd-event-dec-flash-sale-orders-dlq"]);
    const main = queues.find((q) => q.name === "flashcrowd-event-dec-flash-sale-orders")!;
    expect(main.message_retention_seconds).toBe(96 * 3600);
    expect((parseJsonAttribute(main.redrive_policy) as { maxReceiveCount: number }).maxReceiveCount).toBe(5);
    expect(queues.every((q) => String(q.kms_master_key_id).includes("aws_kms_key.event-key_"))).toBe(true);
  });

  it("peers with the prod VPC read from prod's state, auto-accepted in the shared account", () => {
    const [peering] = listOf(sale, "aws_vpc_peering_connection");
    expect(peering).toEqual(expect.objectContaining({ auto_accept: true, peer_vpc_id: expect.stringContaining("data.terraform_remote_state.cross-stack-reference-input-prod") }));
    expect(Object.keys(prod.output ?? {}).length).toBeGreaterThan(0);
  });

  it("routes between the event data subnets and the prod data subnets only", () => {
    const routes = listOf(sale, "aws_route").filter((r) => r.vpc_peering_connection_id);
    const toProd = routes.filter((r) => String(r.route_table_id).includes("aws_route_table.network_data-rt_")).map((r) => r.destination_cidr_block);
    const toEvent = routes.filter((r) => String(r.route_table_id).includes("terraform_remote_state")).map((r) => r.destination_cidr_block);
    expect(toProd.sort()).toEqual(["10.0.68.0/24", "10.0.69.0/24", "10.0.70.0/24"]);
    expect(toEvent.sort()).toEqual(["10.64.9.0/26", "10.64.9.128/26", "10.64.9.64/26"]);
    expect(routes).toHaveLength(6);
  });

  it("reaches Secrets Manager privately (DMS reads its endpoint credentials from the data subnets)", () => {
    const endpoints = listOf(sale, "aws_vpc_endpoint").map((e) => e.service_name);
    expect(endpoints).toContain("com.amazonaws.ap-northeast-2.secretsmanager");
  });

  it("plans the pre-warm of every service from the event's expected peak", () => {
    const plans = built.events["dec-flash-sale"]!.capacity;
    expect(Object.fromEntries(Object.entries(plans).map(([n, p]) => [n, p.prewarm.tasks]))).toEqual({ web: 78, api: 39, worker: 8 });
    const tickets = built.events["concert-film-tickets"]!.capacity;
    expect(tickets.web!.prewarm.tasks).toBe(130); // 50000 rps x 1.3 / 500
    expect(tickets.web!.window.raiseExpression).toBe("at(2027-01-15T09:30:00)");
  });

  it("uses an assumed-role provider locked to prod's account for a cross-account peering", () => {
    const json = synthStacks(
      configWith((c) => {
        c.events.platform.account = "410987654321";
        c.events.platform.peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/event-peering-accepter" };
      }),
    )("event-dec-flash-sale");
    const accepter = json.provider!.aws!.find((p) => p.alias === "accepter")!;
    expect(accepter).toEqual(
      expect.objectContaining({
        allowed_account_ids: ["210987654321"],
        assume_role: [expect.objectContaining({ role_arn: "arn:aws:iam::210987654321:role/event-peering-accepter" })],
      }),
    );
    expect(listOf(json, "aws_vpc_peering_connection_accepter")).toEqual([expect.objectContaining({ provider: "aws.accepter" })]);
  });
});
