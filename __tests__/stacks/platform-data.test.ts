/** The data, audit, backup, monitoring and access parts of the platform stacks, as config drives them. */
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import type { Config } from "../../src/config";
import { configWith, eventsInOwnAccount } from "../helpers/config";
import { listOf, synthJson, type TerraformJson } from "../helpers/synth";
import { fixtureClock } from "../helpers/fixture-config";

function synthPlatforms(config: Config = configWith()): { prod: TerraformJson; dev: TerraformJson; events: TerraformJson[] } {
  const { platforms, events } = buildApp(config, { clock: fixtureClock });
  return { prod: synthJson(platforms.prod!), dev: synthJson(platforms.dev!), events: Object.values(events).map((e) => synthJson(e)) };
}

const roleNames = (json: TerraformJson) => listOf(json, "aws_iam_role").map((r) => r.name);

describe("platform stacks from the fixture config", () => {
  const { prod, dev, events } = synthPlatforms();

  it("create the account-wide DMS roles only in the environment events sync to (prod)", () => {
    expect(roleNames(prod)).toEqual(expect.arrayContaining(["dms-vpc-role", "dms-cloudwatch-logs-role"]));
    expect(roleNames(dev)).not.toContain("dms-vpc-role");
    for (const e of events) expect(roleNames(e)).not.toContain("dms-vpc-role");
  });

  it("run prod Aurora provisioned with a reader in another AZ, and dev on Serverless v2 at its minimum", () => {
    const prodInstances = listOf(prod, "aws_rds_cluster_instance");
    expect(prodInstances.map((i) => [i.instance_class, i.availability_zone]).sort()).toEqual([
      ["db.r7g.large", "ap-northeast-2a"],
      ["db.r7g.large", "ap-northeast-2b"],
    ]);
    expect(listOf(dev, "aws_rds_cluster")[0]!.serverlessv2_scaling_configuration).toEqual({ min_capacity: 0.5, max_capacity: 4 });
    expect(listOf(dev, "aws_rds_cluster_instance").map((i) => i.instance_class)).toEqual(["db.serverless"]);
  });

  it("keep both databases permanent", () => {
    for (const json of [prod, dev]) {
      expect(listOf(json, "aws_rds_cluster")[0]).toMatchObject({ deletion_protection: true, lifecycle: { prevent_destroy: true } });
    }
  });

  it("run Redis Multi-AZ in prod and as a single node in dev", () => {
    expect(listOf(prod, "aws_elasticache_replication_group")[0]).toMatchObject({ num_cache_clusters: 2, multi_az_enabled: true });
    expect(listOf(dev, "aws_elasticache_replication_group")[0]).toMatchObject({ num_cache_clusters: 1, multi_az_enabled: false });
  });

  it("back the database up through the selection tag, copying to the secondary region in prod only", () => {
    for (const json of [prod, dev]) {
      const [selection] = listOf(json, "aws_backup_selection");
      const [tag] = selection!.selection_tag as { key: string; value: string }[];
      expect((listOf(json, "aws_rds_cluster")[0]!.tags as Record<string, string>)[tag!.key]).toBe(tag!.value);
    }
    expect(listOf(prod, "aws_backup_vault").map((v) => v.provider ?? "home").sort()).toEqual(["aws.secondary", "home"]);
    expect(listOf(dev, "aws_backup_vault")).toHaveLength(1);
  });

  it("send alarms to Slack from prod through a Chatbot API region, and by e-mail from both", () => {
    expect(listOf(prod, "aws_chatbot_slack_channel_configuration")[0]!.provider).toBe("aws.chatbot");
    expect(prod.provider!.aws).toContainEqual(expect.objectContaining({ alias: "chatbot", region: "ap-southeast-1" }));
    expect(listOf(dev, "aws_chatbot_slack_channel_configuration")).toEqual([]);
    expect(listOf(dev, "aws_sns_topic_subscription").map((s) => s.endpoint)).toEqual(["platform-dev@flashcrowd.example"]);
  });

  it("alarm on every NAT gateway and every Redis node", () => {
    const names = (json: TerraformJson) => listOf(json, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name as string);
    expect(names(prod).filter((n) => n.includes("-nat-port-allocation-"))).toHaveLength(3);
    expect(names(dev).filter((n) => n.includes("-nat-port-allocation-"))).toHaveLength(1);
    expect(names(prod).filter((n) => n.includes("-redis-cpu-"))).toHaveLength(2);
    expect(names(prod)).toContain("flashcrowd-prod-aurora-replica-lag");
    expect(names(dev)).not.toContain("flashcrowd-dev-aurora-replica-lag");
  });

  it("let the bastion, and nothing else yet, into Aurora and Redis", () => {
    for (const json of [prod, dev]) {
      const ingress = listOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => r.description === "SSM bastion");
      expect(ingress.map((r) => r.from_port).sort()).toEqual([3306, 6379]);
      for (const r of ingress) expect(r.referenced_security_group_id).toMatch(/^\$\{aws_security_group\.bastion_sg_[A-Z0-9]+\.id\}$/);
    }
  });

  it("open no security group to the internet", () => {
    for (const json of [prod, dev]) {
      const open = listOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => r.cidr_ipv4 === "0.0.0.0/0" || r.cidr_ipv6 === "::/0");
      expect(open).toEqual([]);
    }
  });

  it("stop dev's database and scale its node group to zero off hours, and never prod's", () => {
    const devSchedules = listOf(dev, "aws_scheduler_schedule");
    expect(devSchedules.map((s) => (s.target as { arn: string }).arn).sort()).toEqual([
      "arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig",
      "arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig",
      "arn:aws:scheduler:::aws-sdk:rds:startDBCluster",
      "arn:aws:scheduler:::aws-sdk:rds:stopDBCluster",
    ]);
    expect(devSchedules[0]!.schedule_expression_timezone).toBe("Asia/Seoul");
    expect(listOf(prod, "aws_scheduler_schedule")).toEqual([]);
  });

  it("record a multi-region trail in each account", () => {
    for (const json of [prod, dev]) {
      expect(listOf(json, "aws_cloudtrail")[0]).toMatchObject({ is_multi_region_trail: true, enable_log_file_validation: true });
    }
  });

  it("hold prod's read-only verification secret for the event data checks, issued outside Terraform, in the synced environment only", () => {
    const secret = listOf(prod, "aws_secretsmanager_secret").find((x) => x.name === "flashcrowd/prod/verify-reader");
    expect(secret).toEqual(expect.objectContaining({ kms_key_id: expect.stringContaining("aws_kms_key.data-key_") }));
    expect(Number(secret!.recovery_window_in_days)).toBeGreaterThanOrEqual(7);
    expect(listOf(prod, "aws_secretsmanager_secret_version")).toEqual([]);
    expect(listOf(dev, "aws_secretsmanager_secret").some((x) => String(x.name).endsWith("verify-reader"))).toBe(false);
  });

  it("hold no secret value", () => {
    for (const json of [prod, dev]) {
      expect(JSON.stringify(json)).not.toMatch(/master_password|auth_token|"passwords"|secret_string/);
    }
  });
});

describe("platform stacks from other configs", () => {
  it("create the DMS roles in the first environment of the events' account", () => {
    const { prod, dev } = synthPlatforms(
      configWith((c) => {
        c.events.platform.syncTo = "dev";
        c.events.platform.account = c.environments.dev!.account;
      }),
    );
    expect(roleNames(dev)).toContain("dms-vpc-role");
    expect(roleNames(prod)).not.toContain("dms-vpc-role");
  });

  it("create no DMS roles in any environment when events run in an account of their own (event-edge hosts them)", () => {
    const { prod, dev } = synthPlatforms(configWith((c) => eventsInOwnAccount(c)));
    expect(roleNames(prod)).not.toContain("dms-vpc-role");
    expect(roleNames(dev)).not.toContain("dms-vpc-role");
  });

  it("let only the event data-check roles of the events' account read prod's verification secret", () => {
    const config = configWith((c) => eventsInOwnAccount(c));
    const { prod, events } = synthPlatforms(config);
    const secretKey = Object.entries(prod.resource?.aws_secretsmanager_secret ?? {}).find(([, x]) => x.name === "flashcrowd/prod/verify-reader")![0];
    const policy = listOf(prod, "aws_secretsmanager_secret_policy").find((x) => String(x.secret_arn).includes(`aws_secretsmanager_secret.${secretKey}.`))!;
    const statements = (JSON.parse(String(policy.policy)) as { Statement: { Action: string | string[]; Condition: { ArnLike: Record<string, string> } }[] }).Statement;
    expect(statements.map((x) => x.Action)).toEqual(["secretsmanager:GetSecretValue"]);
    const pattern = statements[0]!.Condition.ArnLike["aws:PrincipalArn"]!;
    expect(pattern).toBe("arn:aws:iam::510987654321:role/flashcrowd-event-*-data-check-fn");
    // The pattern matches the role each event stack gives its data-check function.
    const matcher = new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
    const dataCheckRoles = events.flatMap((e) => roleNames(e)).filter((n) => String(n).includes("data-check"));
    expect(dataCheckRoles.length).toBe(events.length);
    for (const role of dataCheckRoles) expect(`arn:aws:iam::510987654321:role/${String(role)}`).toMatch(matcher);
  });

  it("build no bastion and no off-hours schedules where they are not configured", () => {
    const { dev } = synthPlatforms(
      configWith((c) => {
        delete c.environments.dev!.bastion;
        delete c.environments.dev!.offHours;
      }),
    );
    expect(listOf(dev, "aws_autoscaling_group")).toEqual([]);
    expect(listOf(dev, "aws_scheduler_schedule")).toEqual([]);
  });
});
