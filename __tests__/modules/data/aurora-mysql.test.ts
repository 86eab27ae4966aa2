import { TerraformOutput, type TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { describe, expect, it } from "vitest";
import { Peer } from "../../../modules/core/connections";
import { RolePrincipal } from "../../../modules/core/grant";
import { AuroraMysql, type AuroraMysqlProps } from "../../../modules/data/aurora-mysql";
import type { KmsKey } from "../../../modules/security/kms-key";
import { listOf, resourcesOf, synthJson } from "../../helpers/synth";
import { ACCOUNT, AZS, REGION, moduleStack, ref, statementsOf } from "../../helpers/stack";

function synthAurora(
  props: Partial<AuroraMysqlProps> = {},
  extra?: (db: AuroraMysql) => void,
  keys?: (stack: TerraformStack, key: KmsKey) => Pick<AuroraMysqlProps, "kmsKey" | "logKey">,
) {
  const { stack, key } = moduleStack();
  const db = new AuroraMysql(stack, "db", {
    identifier: "flashcrowd-test-db",
    placement: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
    availabilityZones: AZS,
    engineVersion: "8.0.mysql_aurora.3.08.2",
    instanceClass: "db.r7g.large",
    kmsKey: key,
    ...props,
    ...keys?.(stack, key),
  });
  extra?.(db);
  new TerraformOutput(stack, "secret", { value: db.masterUserSecretArn });
  return { json: synthJson(stack), db };
}

function parametersOf(json: ReturnType<typeof synthAurora>["json"]): Record<string, { value: string; apply_method: string }> {
  const [group] = listOf(json, "aws_rds_cluster_parameter_group");
  const params = group!.parameter as { name: string; value: string; apply_method: string }[];
  return Object.fromEntries(params.map((p) => [p.name, { value: p.value, apply_method: p.apply_method }]));
}

describe("AuroraMysql defaults", () => {
  const { json } = synthAurora();
  const [cluster] = listOf(json, "aws_rds_cluster");

  it("encrypts storage and the RDS-managed master password with the given key", () => {
    expect(cluster).toMatchObject({
      engine: "aurora-mysql",
      storage_encrypted: true,
      manage_master_user_password: true,
      master_username: "dbadmin",
    });
    expect(cluster!.kms_key_id).toMatch(ref("aws_kms_key", "arn"));
    expect(cluster!.master_user_secret_kms_key_id).toMatch(ref("aws_kms_key", "arn"));
    expect(cluster).not.toHaveProperty("master_password");
  });

  it("exposes the managed secret's ARN", () => {
    expect(json.output!.secret!.value).toMatch(ref("aws_rds_cluster", "master_user_secret[0].secret_arn"));
  });

  it("is protected from deletion by RDS and by Terraform, and still takes a named final snapshot", () => {
    expect(cluster).toMatchObject({
      deletion_protection: true,
      lifecycle: { prevent_destroy: true },
      skip_final_snapshot: false,
      final_snapshot_identifier: "flashcrowd-test-db-final",
      delete_automated_backups: false,
      backup_retention_period: 14,
      copy_tags_to_snapshot: true,
    });
  });

  it("turns on IAM database authentication and never upgrades a major version by itself", () => {
    expect(cluster).toMatchObject({ iam_database_authentication_enabled: true, allow_major_version_upgrade: false, apply_immediately: false });
  });

  it("exports audit, error and slow-query logs into encrypted groups with retention that exist first", () => {
    expect(cluster!.enabled_cloudwatch_logs_exports).toEqual(["audit", "error", "slowquery"]);
    const groups = listOf(json, "aws_cloudwatch_log_group");
    expect(groups.map((g) => g.name).sort()).toEqual([
      "/aws/rds/cluster/flashcrowd-test-db/audit",
      "/aws/rds/cluster/flashcrowd-test-db/error",
      "/aws/rds/cluster/flashcrowd-test-db/slowquery",
    ]);
    for (const g of groups) {
      expect(g.retention_in_days).toBe(365);
      expect(g.kms_key_id).toMatch(ref("aws_kms_key", "arn"));
    }
    expect(cluster!.depends_on).toHaveLength(3);
  });

  it("lets CloudWatch Logs use the key for this cluster's log groups only", () => {
    expect(statementsOf(json, "aws_kms_key")).toContainEqual(
      expect.objectContaining({
        Sid: "RdsLogsFlashcrowdTestDb",
        Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/rds/cluster/flashcrowd-test-db/*` } },
      }),
    );
  });

  it("requires TLS and turns on audit and slow-query logging in the cluster parameter group, applied at reboot", () => {
    const params = parametersOf(json);
    expect(params).toMatchObject({
      require_secure_transport: { value: "ON" },
      server_audit_logging: { value: "1" },
      server_audit_events: { value: "CONNECT,QUERY_DCL,QUERY_DDL" },
      slow_query_log: { value: "1" },
      log_output: { value: "FILE" },
    });
    expect(new Set(Object.values(params).map((p) => p.apply_method))).toEqual(new Set(["pending-reboot"]));
    expect(listOf(json, "aws_rds_cluster_parameter_group")[0]!.family).toBe("aurora-mysql8.0");
  });

  it("runs one private writer in the first AZ with Performance Insights (KMS) and Enhanced Monitoring", () => {
    const instances = listOf(json, "aws_rds_cluster_instance");
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({
      identifier: "flashcrowd-test-db-1",
      instance_class: "db.r7g.large",
      availability_zone: "ap-northeast-2a",
      publicly_accessible: false,
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
      promotion_tier: 0,
    });
    expect(instances[0]!.performance_insights_kms_key_id).toMatch(ref("aws_kms_key", "arn"));
    expect(instances[0]!.monitoring_role_arn).toMatch(ref("aws_iam_role", "arn"));
  });

  it("gives Enhanced Monitoring a role only RDS monitoring of this account can assume", () => {
    expect(statementsOf(json, "aws_iam_role", "assume_role_policy")).toEqual([
      expect.objectContaining({ Principal: { Service: "monitoring.rds.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
    ]);
    expect(listOf(json, "aws_iam_role_policy_attachment")[0]!.policy_arn).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
  });

  it("places the cluster in the given subnets behind a security group with no rules", () => {
    expect(listOf(json, "aws_db_subnet_group")[0]!.subnet_ids).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    const [sg] = listOf(json, "aws_security_group");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(listOf(json, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });
});

describe("AuroraMysql options", () => {
  it("spreads readers over the following AZs, after the writer exists", () => {
    const { json } = synthAurora({ readers: 2 });
    const instances = listOf(json, "aws_rds_cluster_instance").sort((a, b) => String(a.identifier).localeCompare(String(b.identifier)));
    expect(instances.map((i) => [i.identifier, i.availability_zone, i.promotion_tier])).toEqual([
      ["flashcrowd-test-db-1", "ap-northeast-2a", 0],
      ["flashcrowd-test-db-2", "ap-northeast-2b", 1],
      ["flashcrowd-test-db-3", "ap-northeast-2c", 1],
    ]);
    expect(instances[1]!.depends_on).toEqual([expect.stringMatching(/^aws_rds_cluster_instance\.db_writer_/)]);
  });

  it("runs Serverless v2 with the given ACU range", () => {
    const { json } = synthAurora({ instanceClass: undefined, serverless: { minCapacity: 0.5, maxCapacity: 4 } });
    expect(listOf(json, "aws_rds_cluster")[0]!.serverlessv2_scaling_configuration).toEqual({ min_capacity: 0.5, max_capacity: 4 });
    expect(listOf(json, "aws_rds_cluster_instance")[0]!.instance_class).toBe("db.serverless");
  });

  it("drops deletion protection and prevent_destroy when not permanent, but keeps the final snapshot", () => {
    const { json } = synthAurora({ permanent: false, finalSnapshotIdentifier: "flashcrowd-event-x-db-final" });
    const [cluster] = listOf(json, "aws_rds_cluster");
    expect(cluster!.deletion_protection).toBe(false);
    expect(cluster).not.toHaveProperty("lifecycle");
    expect(cluster).toMatchObject({ skip_final_snapshot: false, final_snapshot_identifier: "flashcrowd-event-x-db-final" });
  });

  it("keeps deletion protection on, ignored by later plans, when it is released out of band", () => {
    // GIVEN a cluster destroyed on purpose whose deletion protection another process turns off
    const { json } = synthAurora({ permanent: false, deletionProtectionReleasedOutOfBand: true, finalSnapshotIdentifier: "flashcrowd-event-x-db-final" });
    // THEN it is protected, Terraform never turns the protection back on, and nothing stops a destroy run
    const [cluster] = listOf(json, "aws_rds_cluster");
    expect(cluster).toMatchObject({ deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: "flashcrowd-event-x-db-final" });
    expect(cluster!.lifecycle).toEqual({ ignore_changes: ["deletion_protection"] });
  });

  it("merges parameters from props over the baseline (binlog for CDC)", () => {
    const { json } = synthAurora({
      parameters: {
        binlog_format: "ROW",
        binlog_row_image: "FULL",
        binlog_checksum: "NONE",
        long_query_time: { value: "5", applyMethod: "immediate" },
      },
    });
    expect(parametersOf(json)).toMatchObject({
      binlog_format: { value: "ROW", apply_method: "pending-reboot" },
      binlog_row_image: { value: "FULL" },
      binlog_checksum: { value: "NONE" },
      long_query_time: { value: "5", apply_method: "immediate" },
      require_secure_transport: { value: "ON" },
    });
  });

  it("turns Enhanced Monitoring off, without a role, at interval 0", () => {
    const { json } = synthAurora({ monitoringIntervalSeconds: 0 });
    expect(listOf(json, "aws_rds_cluster_instance")[0]!.monitoring_interval).toBe(0);
    expect(listOf(json, "aws_iam_role")).toEqual([]);
  });

  it("exports no logs and sets no audit parameters when asked for none", () => {
    const { json } = synthAurora({ logExports: [] });
    expect(listOf(json, "aws_cloudwatch_log_group")).toEqual([]);
    expect(parametersOf(json)).not.toHaveProperty("server_audit_logging");
  });

  it("tags the cluster (e.g. for the backup selection) and keeps retention settings", () => {
    const { json } = synthAurora({ tags: { Backup: "daily" }, backupRetentionDays: 3, logRetentionDays: 30, performanceInsightsRetentionDays: 31 });
    expect(listOf(json, "aws_rds_cluster")[0]).toMatchObject({ tags: { Backup: "daily" }, backup_retention_period: 3 });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]!.retention_in_days).toBe(30);
    expect(listOf(json, "aws_rds_cluster_instance")[0]!.performance_insights_retention_period).toBe(31);
  });

  it("admits a peer security group on the database port through its connections, on its own security group", () => {
    const { json } = synthAurora({}, (db) => db.connections.allowDefaultPortFrom(Peer.securityGroupId("sg-peer"), { ingress: { description: "EKS nodes" } }));
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ description: "EKS nodes", ip_protocol: "tcp", from_port: 3306, to_port: 3306, referenced_security_group_id: "sg-peer" }),
    ]);
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")[0]!.security_group_id).toMatch(ref("aws_security_group", "id"));
  });

  it("refuses the same peer description twice", () => {
    const admit = (db: AuroraMysql, sg: string) => db.connections.allowDefaultPortFrom(Peer.securityGroupId(sg), { ingress: { description: "EKS nodes" } });
    expect(() => synthAurora({}, (db) => { admit(db, "sg-1"); admit(db, "sg-2"); })).toThrow(/ingress rule "ingress-eks-nodes" \("EKS nodes"\) was already granted/);
  });

  it("grants rds-db:connect for one database user, in a policy of the cluster on a bare role", () => {
    const { json } = synthAurora({}, (db) => {
      const role = new IamRole(db.node.scope!, "app-role", { name: "app-role", assumeRolePolicy: "{}" });
      db.grantConnect(new RolePrincipal(role, { grantId: "app" }), "app_user");
    });
    const [policy] = listOf(json, "aws_iam_role_policy");
    expect(policy).toMatchObject({ name: "flashcrowd-test-db-connect-app_user" });
    expect(policy!.role).toMatch(ref("aws_iam_role", "name"));
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))[0]).toMatch(/^db_connect-app_[A-F0-9]{8}$/);
    expect(statementsOf(json, "aws_iam_role_policy")).toEqual([
      {
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: expect.stringMatching(new RegExp(`^arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:\\$\\{aws_rds_cluster\\.db_cluster_[A-Z0-9]+\\.cluster_resource_id\\}/app_user$`)),
      },
    ]);
  });

  it.each<[string, Partial<AuroraMysqlProps>, RegExp]>([
    ["both capacity kinds", { serverless: { minCapacity: 1, maxCapacity: 2 } }, /exactly one of instanceClass/],
    ["no capacity", { instanceClass: undefined }, /exactly one of instanceClass/],
    ["min ACU above max", { instanceClass: undefined, serverless: { minCapacity: 8, maxCapacity: 2 } }, /minCapacity 8 exceeds maxCapacity 2/],
    ["more readers than zones", { readers: 3 }, /3 readers need 4 availability zones, got 3/],
    ["an identifier with capitals", { identifier: "Flashcrowd-db" }, /identifier "Flashcrowd-db"/],
    ["an identifier with a double hyphen", { identifier: "flashcrowd--db" }, /identifier "flashcrowd--db"/],
    ["out-of-band release on a permanent cluster", { deletionProtectionReleasedOutOfBand: true }, /permanent is true.*set permanent: false/],
  ])("rejects %s", (_name, props, message) => {
    expect(() => synthAurora(props)).toThrow(message);
  });
});

describe("AuroraMysql with a key of another stack", () => {
  const permanentKey = "arn:aws:kms:ap-northeast-2:123456789012:key/0b1c2d3e-0000-4000-8000-000000000000";

  it("encrypts storage, Performance Insights and the master secret with the key given by ARN, and the log groups with the log key", () => {
    const { json } = synthAurora({}, undefined, (_stack, key) => ({ kmsKey: { arn: permanentKey }, logKey: key }));
    const [cluster] = listOf(json, "aws_rds_cluster");
    expect(cluster).toMatchObject({ kms_key_id: permanentKey, master_user_secret_kms_key_id: permanentKey });
    expect(listOf(json, "aws_rds_cluster_instance").every((i) => i.performance_insights_kms_key_id === permanentKey)).toBe(true);
    expect(listOf(json, "aws_cloudwatch_log_group").every((g) => ref("aws_kms_key", "arn").test(g.kms_key_id as string))).toBe(true);
    const logs = statementsOf(json, "aws_kms_key").find((s) => s.Sid?.startsWith("RdsLogs"));
    expect(logs?.Principal).toEqual({ Service: "logs.ap-northeast-2.amazonaws.com" });
  });

  it("needs a log key, since the other stack's key policy cannot be extended from here", () => {
    expect(() => synthAurora({ kmsKey: { arn: permanentKey } })).toThrow(/pass a logKey of this stack/);
  });
});
