import { describe, expect, it } from "vitest";
import { DmsMonitoring } from "../../../modules/data/dms-monitoring";
import { Peer, Port } from "../../../modules/core/connections";
import { DmsReplication, type DmsReplicationProps } from "../../../modules/data/dms-replication";
import type { DmsTableMappings } from "../../../modules/data/dms-table-mappings";
import type { DmsTaskSettings } from "../../../modules/data/dms-task-settings";
import { KmsKey } from "../../../modules/security/kms-key";
import { Naming } from "../../../src/core/naming";
import { listOf, parseJsonAttribute, resourcesOf, synthJson } from "../../helpers/synth";
import { environmentStack } from "../../helpers/stack";

const ACCOUNT = "210987654321";
const TARGET_SECRET = `arn:aws:secretsmanager:ap-northeast-2:${ACCOUNT}:secret:flashcrowd-prod-dms-target-AbCdEf`;
const TARGET_KEY = `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const PROD_DATA = ["10.0.68.0/24", "10.0.69.0/24", "10.0.70.0/24"];
const EXISTING_TOPIC = `arn:aws:sns:ap-northeast-2:${ACCOUNT}:flashcrowd-event-edge-event-alerts`;

interface Policy {
  Statement: { Sid?: string; Effect: string; Principal?: { Service?: string | string[] } | string; Action: string | string[]; Resource?: string | string[]; Condition?: unknown }[];
}

function synthDms(props: Partial<DmsReplicationProps> = {}, withMonitoring: false | "own-topic" | "existing-topic" = false) {
  const { stack } = environmentStack({ account: ACCOUNT, naming: new Naming("flashcrowd", "event-dec-flash-sale") });
  const kmsKey = new KmsKey(stack, "key", { alias: "event", description: "event" });
  const replication = new DmsReplication(stack, "dms", {
    replicationInstanceId: "flashcrowd-event-dec-flash-sale-dms",
    replicationTaskId: "flashcrowd-event-dec-flash-sale-sync",
    vpcId: "vpc-event",
    vpcCidr: "10.64.0.0/20",
    subnets: [
      { id: "subnet-data-a", cidr: "10.64.12.0/26" },
      { id: "subnet-data-b", cidr: "10.64.12.64/26" },
    ],
    instanceClass: "dms.r6i.large",
    engineVersion: "3.5.4",
    kmsKey,
    target: { secretArn: TARGET_SECRET, secretKmsKeyArn: TARGET_KEY, cidrs: PROD_DATA, securityGroup: { id: "sg-prod-db", referenceBy: "security-group" } },
    tableMappings: [
      { source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" } },
      { source: { schema: "sale", table: "order_items" }, target: { schema: "shop", table: "order_items" } },
    ],
    settings: { lobMode: "limited", lobMaxSizeKb: 64, lobChunkSizeKb: 64, validationFailureMaxCount: 10000, validationThreadCount: 5 },
    ...props,
  });
  // The event database's side of the link is another module's; here it is a group known by id.
  replication.connections.allowTo(Peer.securityGroupId("sg-event-db"), Port.tcp(3306), { egress: { id: "to-source", description: "MySQL to the event database (source)" } });
  if (withMonitoring === "own-topic") {
    new DmsMonitoring(stack, "dms-monitoring", { replication, kmsKey, cdcLatencyThresholdSeconds: 300 });
  } else if (withMonitoring === "existing-topic") {
    new DmsMonitoring(stack, "dms-monitoring", { replication, topic: { arn: EXISTING_TOPIC } });
  }
  return synthJson(stack);
}

const taskOf = (json: ReturnType<typeof synthDms>) => listOf(json, "aws_dms_replication_task")[0]!;
const settingsOf = (json: ReturnType<typeof synthDms>) => parseJsonAttribute<DmsTaskSettings>(taskOf(json).replication_task_settings);

describe("DMS task settings (parsed from the synthesized task)", () => {
  const settings = settingsOf(synthDms());

  it("never prepares the prod tables: TargetTablePrepMode DO_NOTHING", () => {
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe("DO_NOTHING");
  });

  it("validates every row", () => {
    expect(settings.ValidationSettings).toEqual(
      expect.objectContaining({ EnableValidation: true, ValidationMode: "ROW_LEVEL", ThreadCount: 5, FailureMaxCount: 10000, ValidationOnly: false, SkipLobColumns: false }),
    );
  });

  it("stops the task on data, table and apply errors instead of logging and continuing", () => {
    const e = settings.ErrorBehavior;
    for (const policy of [
      e.DataErrorPolicy,
      e.DataTruncationErrorPolicy,
      e.DataErrorEscalationPolicy,
      e.TableErrorPolicy,
      e.TableErrorEscalationPolicy,
      e.ApplyErrorDeletePolicy,
      e.ApplyErrorInsertPolicy,
      e.ApplyErrorUpdatePolicy,
      e.ApplyErrorEscalationPolicy,
    ]) {
      expect(policy).toBe("STOP_TASK");
    }
    expect(JSON.stringify(e)).not.toMatch(/LOG_ERROR|IGNORE_RECORD|SUSPEND_TABLE/);
  });

  it("fails on a truncate of a copied table and on mappings that match no table", () => {
    expect(settings.ErrorBehavior.ApplyErrorFailOnTruncationDdl).toBe(true);
    expect(settings.ErrorBehavior.FailOnNoTablesCaptured).toBe(true);
  });

  it("never drops, truncates or alters a prod table because of DDL on the event database", () => {
    expect(settings.ChangeProcessingDdlHandlingPolicy).toEqual({ HandleSourceTableDropped: false, HandleSourceTableTruncated: false, HandleSourceTableAltered: false });
  });

  it("applies changes one transaction at a time and leaves the target schema to the mapping rules", () => {
    expect(settings.TargetMetadata.BatchApplyEnabled).toBe(false);
    expect(settings.TargetMetadata.TargetSchema).toBe("");
  });

  it("logs the components that explain a stopped task", () => {
    expect(settings.Logging.EnableLogging).toBe(true);
    expect(settings.Logging.LogComponents.map((c) => c.Id)).toEqual(
      expect.arrayContaining(["SOURCE_CAPTURE", "TARGET_APPLY", "TARGET_LOAD", "TASK_MANAGER", "VALIDATOR_EXT"]),
    );
    expect(settings.Logging).not.toHaveProperty("CloudWatchLogGroup");
  });

  it.each<["none" | "limited" | "full", Partial<DmsTaskSettings["TargetMetadata"]>]>([
    ["none", { SupportLobs: false, FullLobMode: false, LimitedSizeLobMode: false, LobMaxSize: 0, LobChunkSize: 0 }],
    ["limited", { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 64, LobChunkSize: 0 }],
    ["full", { SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false, LobMaxSize: 0, LobChunkSize: 64 }],
  ])("maps LOB mode %s to the LOB settings", (lobMode, expected) => {
    const s = settingsOf(synthDms({ settings: { lobMode, lobMaxSizeKb: 64, lobChunkSizeKb: 64, validationFailureMaxCount: 10000, validationThreadCount: 5 } }));
    expect(s.TargetMetadata).toEqual(expect.objectContaining(expected));
  });
});

describe("DMS task", () => {
  const json = synthDms();
  const task = taskOf(json);

  it("is one full-load-and-cdc task, created stopped (the post-apply step starts it)", () => {
    expect(listOf(json, "aws_dms_replication_task")).toHaveLength(1);
    expect(task).toEqual(expect.objectContaining({ migration_type: "full-load-and-cdc", start_replication_task: false, replication_task_id: "flashcrowd-event-dec-flash-sale-sync" }));
  });

  it("carries the table mappings built from config", () => {
    const mappings = parseJsonAttribute<DmsTableMappings>(task.table_mappings);
    expect(mappings.rules.filter((r) => r["rule-type"] === "selection")).toHaveLength(2);
    expect(mappings.rules).toContainEqual(expect.objectContaining({ "rule-target": "schema", value: "shop" }));
  });
});

describe("DMS replication instance", () => {
  const json = synthDms();
  const [instance] = listOf(json, "aws_dms_replication_instance");

  it("is not publicly accessible, is encrypted and Multi-AZ, with a pinned engine that never upgrades itself", () => {
    expect(instance).toEqual(
      expect.objectContaining({
        publicly_accessible: false,
        kms_key_arn: expect.stringContaining("aws_kms_key.key_"),
        multi_az: true,
        engine_version: "3.5.4",
        auto_minor_version_upgrade: false,
        allow_major_version_upgrade: false,
        replication_instance_class: "dms.r6i.large",
        replication_instance_id: "flashcrowd-event-dec-flash-sale-dms",
      }),
    );
  });

  it("runs in the event data subnets with its own security group", () => {
    expect(listOf(json, "aws_dms_replication_subnet_group")[0]!.subnet_ids).toEqual(["subnet-data-a", "subnet-data-b"]);
    expect(instance!.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.dms_sg_[A-Z0-9]+\.id\}$/)]);
  });

  it("takes single-AZ from props", () => {
    expect(listOf(synthDms({ multiAz: false }), "aws_dms_replication_instance")[0]!.multi_az).toBe(false);
  });

  it("does not create the account-wide DMS roles (prod owns them)", () => {
    const roleNames = listOf(json, "aws_iam_role").map((r) => r.name);
    expect(roleNames).not.toContain("dms-vpc-role");
    expect(roleNames).not.toContain("dms-cloudwatch-logs-role");
  });
});

describe("DMS network rules", () => {
  const json = synthDms();
  const egress = listOf(json, "aws_vpc_security_group_egress_rule");

  it("admits nothing and sends only MySQL to the two databases (the source through its link) and HTTPS inside the VPC", () => {
    expect(listOf(json, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes("dms_sg"))).toEqual([]);
    expect(egress.map((r) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4])).toEqual(
      expect.arrayContaining([[3306, "sg-event-db"], ...PROD_DATA.map((c) => [3306, c]), [443, "10.64.0.0/20"]]),
    );
    expect(egress).toHaveLength(5);
  });

  it("opens the prod database's security group to the DMS security group only", () => {
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ security_group_id: "sg-prod-db", from_port: 3306, to_port: 3306, referenced_security_group_id: expect.stringContaining("aws_security_group.dms_sg_") }),
    ]);
  });

  it("names the DMS subnets instead when prod is in another account or region", () => {
    const cross = synthDms({ target: { secretArn: TARGET_SECRET, secretKmsKeyArn: TARGET_KEY, cidrs: PROD_DATA, securityGroup: { id: "sg-prod-db", referenceBy: "cidrs" } } });
    expect(listOf(cross, "aws_vpc_security_group_ingress_rule").map((r) => r.cidr_ipv4)).toEqual(["10.64.12.0/26", "10.64.12.64/26"]);
  });
});

describe("DMS endpoints and credentials", () => {
  const json = synthDms();
  const endpoints = Object.values(resourcesOf(json, "aws_dms_endpoint"));
  const byType = (t: string) => endpoints.find((e) => e.endpoint_type === t)!;

  it("connects to the event database (source) and the prod writer (target) as aurora, over TLS", () => {
    expect(byType("source")).toEqual(expect.objectContaining({ engine_name: "aurora", ssl_mode: "require" }));
    expect(byType("target")).toEqual(expect.objectContaining({ engine_name: "aurora", ssl_mode: "require", secrets_manager_arn: TARGET_SECRET }));
  });

  it("authenticates through Secrets Manager, never with a password in the configuration", () => {
    for (const e of endpoints) {
      expect(e.secrets_manager_access_role_arn).toEqual(expect.stringContaining("aws_iam_role.dms_secrets-access-role_"));
      expect(e).not.toHaveProperty("password");
      expect(e).not.toHaveProperty("username");
    }
    expect(byType("source").secrets_manager_arn).toEqual(expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"));
  });

  it("checks the server certificate when verify-full is asked for", () => {
    const verified = synthDms({ tls: { mode: "verify-full", certificateArn: `arn:aws:dms:ap-northeast-2:${ACCOUNT}:cert:RDSCA` } });
    for (const e of Object.values(resourcesOf(verified, "aws_dms_endpoint"))) {
      expect(e).toEqual(expect.objectContaining({ ssl_mode: "verify-full", certificate_arn: `arn:aws:dms:ap-northeast-2:${ACCOUNT}:cert:RDSCA` }));
    }
  });

  it("lets DMS (global and regional principals, this account) assume the secrets role", () => {
    const role = listOf(json, "aws_iam_role").find((r) => String(r.name).endsWith("dms-secrets"))!;
    const trust = parseJsonAttribute<Policy>(role.assume_role_policy);
    expect(trust.Statement[0]).toEqual(
      expect.objectContaining({
        Principal: { Service: ["dms.amazonaws.com", "dms.ap-northeast-2.amazonaws.com"] },
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      }),
    );
  });

  it("reads exactly the two endpoint secrets and decrypts with exactly their keys, through Secrets Manager only", () => {
    const policy = parseJsonAttribute<Policy>(listOf(json, "aws_iam_role_policy")[0]!.policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Action: "secretsmanager:GetSecretValue", Resource: [expect.stringContaining("aws_secretsmanager_secret.dms_source-secret_"), TARGET_SECRET] }),
      expect.objectContaining({
        Action: "kms:Decrypt",
        Resource: [expect.stringContaining("aws_kms_key.key_"), TARGET_KEY],
        Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
      }),
    ]);
  });

  it("keeps the source secret encrypted with the event key and without a recovery window", () => {
    expect(listOf(json, "aws_secretsmanager_secret")).toEqual([
      expect.objectContaining({ name: "flashcrowd-event-dec-flash-sale-dms-source", recovery_window_in_days: 0, kms_key_id: expect.stringContaining("aws_kms_key.key_") }),
    ]);
  });
});

describe("DmsReplication rejects", () => {
  it.each<[string, Partial<DmsReplicationProps>, RegExp]>([
    ["a single subnet", { subnets: [{ id: "subnet-a", cidr: "10.64.12.0/26" }] }, /at least two AZs/],
    ["an instance id with a double hyphen", { replicationInstanceId: "flashcrowd--dms" }, /replicationInstanceId/],
    ["no prod blocks", { target: { secretArn: TARGET_SECRET, secretKmsKeyArn: TARGET_KEY, cidrs: [] } }, /target.cidrs is empty/],
    ["a mapping without a target", { tableMappings: [{ source: { schema: "sale", table: "orders" } } as DmsReplicationProps["tableMappings"][number]] }, /needs a source and a target/],
  ])("%s", (_name, props, error) => {
    expect(() => synthDms(props)).toThrow(error);
  });
});

describe("DmsMonitoring", () => {
  const json = synthDms({}, "own-topic");
  const alarms = listOf(json, "aws_cloudwatch_metric_alarm");
  const alarm = (metric: string) => alarms.find((a) => a.metric_name === metric)!;

  it("alarms on CDC latency at the source and the target", () => {
    for (const metric of ["CDCLatencySource", "CDCLatencyTarget"]) {
      expect(alarm(metric)).toEqual(
        expect.objectContaining({ namespace: "AWS/DMS", threshold: 300, comparison_operator: "GreaterThanThreshold", evaluation_periods: 5, statistic: "Maximum" }),
      );
    }
  });

  it("alarms on the first row that fails or cannot be validated", () => {
    for (const metric of ["ValidationFailedOverallCount", "ValidationSuspendedOverallCount"]) {
      expect(alarm(metric)).toEqual(expect.objectContaining({ threshold: 0, comparison_operator: "GreaterThanThreshold", evaluation_periods: 1 }));
    }
  });

  it("scopes the alarms to the instance and the task's resource id", () => {
    expect(alarm("CDCLatencyTarget").dimensions).toEqual({
      ReplicationInstanceIdentifier: expect.stringContaining("aws_dms_replication_instance.dms_instance_"),
      ReplicationTaskIdentifier: expect.stringMatching(/^\$\{element\(split\(":", aws_dms_replication_task\.dms_task_[A-Z0-9]+\.replication_task_arn\), 6\)\}$/),
    });
  });

  it("sends alarms and recoveries to the encrypted topic", () => {
    const [topic] = listOf(json, "aws_sns_topic");
    expect(topic!.kms_master_key_id).toEqual(expect.stringContaining("aws_kms_key.key_"));
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([expect.stringContaining("aws_sns_topic.dms-monitoring_topic_")]);
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
  });

  it("subscribes the topic to the task's failures and state changes and the instance's failures", () => {
    const subs = listOf(json, "aws_dms_event_subscription");
    expect(subs.map((s) => [s.source_type, s.event_categories])).toEqual(
      expect.arrayContaining([
        ["replication-task", ["failure", "state change"]],
        ["replication-instance", ["failure", "failover", "low storage", "maintenance"]],
      ]),
    );
  });

  it("lets DMS and CloudWatch of this account publish to the topic, and use its key", () => {
    const topicPolicy = parseJsonAttribute<Policy>(listOf(json, "aws_sns_topic_policy")[0]!.policy);
    expect(topicPolicy.Statement[0]).toEqual(
      expect.objectContaining({ Principal: { Service: ["dms.amazonaws.com", "cloudwatch.amazonaws.com"] }, Action: "sns:Publish", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
    );
    const keyPolicy = parseJsonAttribute<Policy>(listOf(json, "aws_kms_key")[0]!.policy);
    expect(keyPolicy.Statement.map((s) => s.Sid)).toEqual(expect.arrayContaining(["DmsEventsToTopic", "CloudWatchAlarmsToTopic"]));
  });
});

describe("DmsMonitoring with an existing topic", () => {
  const json = synthDms({}, "existing-topic");

  it("creates no topic and grants nothing on the event key", () => {
    expect(listOf(json, "aws_sns_topic")).toEqual([]);
    expect(listOf(json, "aws_sns_topic_policy")).toEqual([]);
    const keyPolicy = parseJsonAttribute<Policy>(listOf(json, "aws_kms_key")[0]!.policy);
    expect(keyPolicy.Statement.map((s) => s.Sid)).not.toContain("DmsEventsToTopic");
  });

  it("sends the DMS events, alarms and recoveries there", () => {
    expect(listOf(json, "aws_dms_event_subscription").map((s) => s.sns_topic_arn)).toEqual([EXISTING_TOPIC, EXISTING_TOPIC]);
    for (const a of listOf(json, "aws_cloudwatch_metric_alarm")) {
      expect(a.alarm_actions).toEqual([EXISTING_TOPIC]);
      expect(a.ok_actions).toEqual([EXISTING_TOPIC]);
    }
  });
});
