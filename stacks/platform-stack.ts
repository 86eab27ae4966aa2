import type { Construct } from "constructs";
import { OffHours } from "../modules/compute/off-hours";
import { AuroraMysql } from "../modules/data/aurora-mysql";
import { Backup } from "../modules/data/backup";
import { Redis } from "../modules/data/redis";
import { S3Bucket } from "../modules/data/s3-bucket";
import { Network } from "../modules/network/network";
import { AlertTopic } from "../modules/observability/alert-topic";
import { AuroraAlarms } from "../modules/observability/aurora-alarms";
import { NatGatewayAlarms } from "../modules/observability/nat-gateway-alarms";
import { PlatformDashboard } from "../modules/observability/platform-dashboard";
import { RedisAlarms } from "../modules/observability/redis-alarms";
import { AuditTrail } from "../modules/security/audit-trail";
import { Bastion } from "../modules/security/bastion";
import { DmsAccountRoles } from "../modules/security/dms-account-roles";
import { stackCatalog } from "../src/config/stack-catalog";
import { KmsKey } from "../modules/security/kms-key";
import type { TfcWorkloadIdentity } from "../modules/security/tfc-workload-identity";
import type { Config, EnvironmentConfig } from "../src/config";
import { AwsStack } from "../src/core/aws-stack";
import { attachTfcWorkloadIdentity } from "../src/core/tfc-identity";

export interface PlatformStackProps {
  readonly config: Config;
  /** Key of `config.environments`; also the stack id (`prod`, `dev`, ...). */
  readonly environmentId: string;
}

/** A permanent platform (prod, dev, staging...): one per entry of `config.environments`. */
export class PlatformStack extends AwsStack {
  readonly environmentId: string;
  readonly env: EnvironmentConfig;
  readonly network: Network;
  /** Customer-managed key for the platform's data at rest (databases, caches, buckets, queues, topics). */
  readonly dataKey: KmsKey;
  /**
   * The environment's log bucket (SSE-S3, because ALB and S3 access-log delivery cannot use a
   * customer key): ALB and CloudFront logs and every other bucket's server access logs.
   */
  readonly logsBucket: S3Bucket;

  // ---- Data, audit, backup, monitoring, access ----
  /** AWS Backup vault and plan; resources tagged with `backup.tags` are backed up. */
  readonly backup: Backup;
  /** The platform database. */
  readonly aurora: AuroraMysql;
  /** The platform cache. */
  readonly redis: Redis;
  /** Multi-region CloudTrail to S3 and CloudWatch Logs. */
  readonly auditTrail: AuditTrail;
  /** Where every alarm of the environment goes (e-mail, Slack). */
  readonly alerts: AlertTopic;
  readonly dashboard: PlatformDashboard;
  /** SSM-only bastion, when `bastion` is configured. */
  readonly bastion?: Bastion;
  /** The account-wide DMS roles, only in the environment events synchronize into. */
  readonly dmsAccountRoles?: DmsAccountRoles;
  /** Off-hours stop/start, when `offHours` is configured. */
  readonly offHours?: OffHours;
  // ---- end: data, audit, backup, monitoring, access ----
  /** Terraform Cloud OIDC provider and run roles, on the first environment of each AWS account. */
  readonly tfcIdentity?: TfcWorkloadIdentity;

  constructor(scope: Construct, props: PlatformStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    super(scope, {
      config: props.config,
      stackId: props.environmentId,
      environment: props.environmentId,
      target: env,
    });
    this.environmentId = props.environmentId;
    this.env = env;

    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      ...env.network,
    });

    this.dataKey = new KmsKey(this, "data-key", {
      alias: this.naming.name("data"),
      description: `Encrypts data at rest of ${this.naming.workspace}`,
      accountId: env.account,
    });

    this.logsBucket = new S3Bucket(this, "logs-bucket", {
      bucketName: this.naming.name(`logs-${env.account}`, 63),
      accountId: env.account,
      encryption: "s3-managed",
      preventDestroy: true,
      lifecycle: {
        transitionToGlacierDays: env.logs.transitionToGlacierDays,
        expireDays: env.logs.expireDays,
        noncurrentExpireDays: 30,
      },
    });
    this.logsBucket.allowServerAccessLogDelivery();

    // ---- Data, audit, backup, monitoring, access ----
    const naming = this.naming;
    const dataSubnets = this.network.subnetIds("data");

    this.backup = new Backup(this, "backup", {
      naming,
      accountId: env.account,
      kmsKey: this.dataKey,
      copyTo: env.backup.copyToSecondaryRegion ? { provider: this.secondaryProvider, region: env.secondaryRegion } : undefined,
      timeZone: env.backup.timeZone,
      dailyCron: env.backup.dailyCron,
      weeklyCron: env.backup.weeklyCron,
      dailyRetentionDays: env.backup.dailyRetentionDays,
      weeklyRetentionDays: env.backup.weeklyRetentionDays,
    });

    this.aurora = new AuroraMysql(this, "aurora", {
      identifier: naming.name("db", 63),
      accountId: env.account,
      region: env.region,
      vpcId: this.network.vpc.id,
      subnetIds: dataSubnets,
      availabilityZones: env.availabilityZones,
      engineVersion: env.aurora.engineVersion,
      instanceClass: env.aurora.instanceClass,
      serverless: env.aurora.serverless,
      readers: env.aurora.readers,
      kmsKey: this.dataKey,
      backupRetentionDays: env.aurora.backupRetentionDays,
      permanent: env.aurora.permanent,
      logRetentionDays: env.aurora.logRetentionDays,
      performanceInsightsRetentionDays: env.aurora.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: env.aurora.monitoringIntervalSeconds,
      tags: this.backup.tags,
    });

    this.redis = new Redis(this, "redis", {
      replicationGroupId: naming.name("redis", 40),
      accountId: env.account,
      region: env.region,
      vpcId: this.network.vpc.id,
      subnetIds: dataSubnets,
      availabilityZones: env.availabilityZones,
      nodeType: env.redis.nodeType,
      engineVersion: env.redis.engineVersion,
      replicas: env.redis.replicas,
      multiAz: env.redis.multiAz,
      kmsKey: this.dataKey,
      snapshotRetentionDays: env.redis.snapshotRetentionDays,
    });

    this.auditTrail = new AuditTrail(this, "audit", {
      naming,
      accountId: env.account,
      region: env.region,
      accessLogsBucket: this.logsBucket,
      cloudWatchRetentionDays: env.audit.cloudWatchRetentionDays,
      transitionToGlacierDays: env.audit.transitionToGlacierDays,
      expireDays: env.audit.expireDays,
    });

    const monitoring = env.monitoring;
    this.alerts = new AlertTopic(this, "alerts", {
      naming,
      accountId: env.account,
      kmsKey: this.dataKey,
      emails: monitoring.emails,
      slack: monitoring.slack
        ? {
            workspaceId: monitoring.slack.workspaceId,
            channelId: monitoring.slack.channelId,
            provider: this.aliasedProvider("chatbot", monitoring.slack.apiRegion),
          }
        : undefined,
    });
    const topicArns = [this.alerts.topicArn];
    const t = monitoring.thresholds;
    new AuroraAlarms(this, "aurora-alarms", {
      naming,
      clusterIdentifier: this.aurora.identifier,
      readers: env.aurora.readers,
      thresholds: {
        cpuPercent: t.auroraCpuPercent,
        connections: t.auroraConnections,
        replicaLagMs: t.auroraReplicaLagMs,
        freeableMemoryMiB: t.auroraFreeableMemoryMiB,
      },
      topicArns,
    });
    new RedisAlarms(this, "redis-alarms", {
      naming,
      memberClusterIds: this.redis.memberClusterIds,
      thresholds: { cpuPercent: t.redisCpuPercent, memoryPercent: t.redisMemoryPercent, evictions: t.redisEvictions },
      topicArns,
    });
    const natGateways = this.network.natGateways.map((nat, i) => ({ name: this.network.subnets.public[i]!.az.slice(-1), id: nat.id }));
    new NatGatewayAlarms(this, "nat-alarms", { naming, natGateways, packetsDroppedThreshold: t.natPacketsDropped, topicArns });
    this.dashboard = new PlatformDashboard(this, "dashboard", {
      dashboardName: naming.workspace,
      region: env.region,
      aurora: { clusterIdentifier: this.aurora.identifier },
      redis: { memberClusterIds: this.redis.memberClusterIds },
      natGateways,
    });

    if (env.bastion) {
      const bastion = new Bastion(this, "bastion", {
        naming,
        vpcId: this.network.vpc.id,
        vpcCidr: env.network.cidr,
        subnetIds: this.network.subnetIds("private"),
        instanceType: env.bastion.instanceType,
      });
      this.aurora.allowFrom(bastion.securityGroupId, "SSM bastion");
      bastion.allowTo(this.aurora.securityGroupId, this.aurora.port, "Aurora MySQL");
      this.redis.allowFrom(bastion.securityGroupId, "SSM bastion");
      bastion.allowTo(this.redis.securityGroupId, this.redis.port, "Redis");
      this.bastion = bastion;
    }

    // Account-wide roles exist once per account: the first permanent stack of the events'
    // account creates them (this environment, or event-edge for an events account of its own).
    if (stackCatalog(props.config).identityHostOf(props.config.events.platform.account) === props.environmentId) {
      this.dmsAccountRoles = new DmsAccountRoles(this, "dms-account-roles");
    }

    if (env.offHours) {
      this.offHours = new OffHours(this, "off-hours", {
        naming,
        accountId: env.account,
        region: env.region,
        ...env.offHours,
      });
      this.offHours.addAuroraCluster(this.aurora.identifier);
    }
    // ---- end: data, audit, backup, monitoring, access ----
    // Terraform Cloud dynamic credentials: the OIDC provider and the run role of every workspace
    // that applies into this account, when this stack is the account's host (see StackCatalog).
    this.tfcIdentity = attachTfcWorkloadIdentity(this);
  }
}
