import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { fit } from "../../src/core/naming";
import { Connections, Port, type IConnectable } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import { Grant, type IGrantable } from "../core/grant";
import type { SubnetPlacement } from "../network/placement";
import { auroraMetric, type AuroraMetricName, type AuroraMetrics, type Metric } from "../observability/metric";
import { KmsKey } from "../security/kms-key";
import { serviceTrustPolicy } from "../security/policy-document";
import { sid } from "../security/sid";

/** A cluster parameter: a value applied at the next reboot, or a value with its apply method. */
export type AuroraParameterValue = string | { readonly value: string; readonly applyMethod: "immediate" | "pending-reboot" };

/** Log types Aurora MySQL exports to CloudWatch Logs. */
export type AuroraLogType = "audit" | "error" | "general" | "slowquery";

export interface AuroraServerlessCapacity {
  /** Lowest capacity in ACUs (0.5 steps). */
  readonly minCapacity: number;
  /** Highest capacity in ACUs (0.5 steps, at most 256). */
  readonly maxCapacity: number;
}

export interface AuroraMysqlProps {
  /**
   * Cluster identifier: lowercase letters, digits and '-', at most 63 characters. Instance,
   * security group, subnet group, parameter group and role names derive from it.
   */
  readonly identifier: string;
  /** Subnets of the DB subnet group: the network's data subnets (no route to the internet). */
  readonly placement: SubnetPlacement;
  /**
   * Zones instances are placed in: the writer in the first, reader n in zone n+1. Needs at least
   * `readers + 1` zones.
   */
  readonly availabilityZones: readonly string[];
  /** Aurora MySQL engine version, e.g. `8.0.mysql_aurora.3.08.2`. */
  readonly engineVersion: string;
  /** Provisioned instance class (db.r7g.large). Exactly one of `instanceClass` and `serverless`. */
  readonly instanceClass?: string;
  /** Serverless v2 capacity range; instances are `db.serverless`. Exactly one of `instanceClass` and `serverless`. */
  readonly serverless?: AuroraServerlessCapacity;
  /**
   * Reader instances, each in its own AZ after the writer's; one of them is promoted if the writer fails.
   * @default 0 - a writer only: a writer failure means a new instance is created (about 10 minutes)
   */
  readonly readers?: number;
  /**
   * Encrypts storage (and so every snapshot), Performance Insights and the master-user secret. A
   * key of this stack, or one of a permanent stack by ARN: a database that is destroyed on purpose
   * (an event's) keeps a final snapshot that must stay readable after its stack is gone.
   */
  readonly kmsKey: KmsKey | { readonly arn: string };
  /**
   * Encrypts the exported log groups; CloudWatch Logs is granted it for those log groups only.
   * @default kmsKey - required when kmsKey is given by ARN (this stack cannot change that key's policy)
   */
  readonly logKey?: KmsKey;
  /**
   * Days of automated backups (the point-in-time recovery window), 1-35.
   * @default 14
   */
  readonly backupRetentionDays?: number;
  /** Daily backup window, UTC `hh24:mi-hh24:mi`. @default - a 30-minute window RDS picks */
  readonly preferredBackupWindow?: string;
  /** Weekly maintenance window, UTC `ddd:hh24:mi-ddd:hh24:mi`. @default - a window RDS picks */
  readonly preferredMaintenanceWindow?: string;
  /**
   * Protect the cluster from deletion: RDS deletion protection plus Terraform `prevent_destroy`,
   * so neither the console nor a destroy run can remove it.
   * @default true - set false for environments that are destroyed on purpose (event stacks); the
   * final snapshot is taken either way
   */
  readonly permanent?: boolean;
  /**
   * For a cluster that is destroyed on purpose (`permanent: false`): keep RDS deletion protection
   * on in Terraform anyway, and let a process outside Terraform turn it off right before a planned
   * destroy. Terraform then ignores changes to `deletion_protection`, so a plan in between never
   * turns it back on, and any destroy that did not go through that process fails at the database.
   * @default false - deletion protection follows `permanent`
   */
  readonly deletionProtectionReleasedOutOfBand?: boolean;
  /**
   * Snapshot taken when the cluster is deleted. Deterministic, so the lifecycle can find it.
   * @default `${identifier}-final`
   */
  readonly finalSnapshotIdentifier?: string;
  /**
   * Cluster parameters, merged over the module's baseline (TLS required, audit and slow-query
   * logging on, `log_output=FILE`); a key given here wins. Plain strings apply at the next reboot,
   * which is safe for static parameters such as `binlog_format`.
   * @default - the baseline only
   */
  readonly parameters?: Readonly<Record<string, AuroraParameterValue>>;
  /** Parameter group family. @default "aurora-mysql8.0" (Aurora MySQL 3) */
  readonly parameterGroupFamily?: string;
  /**
   * Enhanced Monitoring interval in seconds (1, 5, 10, 15, 30, 60); 0 turns it off.
   * @default 60 - OS metrics every minute; the metrics cost CloudWatch Logs ingestion
   */
  readonly monitoringIntervalSeconds?: number;
  /**
   * Performance Insights retention in days (7 is free; 31 x n up to 713; 731).
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Logs exported to CloudWatch Logs, each into a KMS-encrypted group with `logRetentionDays`.
   * @default ["audit", "error", "slowquery"]
   */
  readonly logExports?: readonly AuroraLogType[];
  /**
   * Retention of the exported log groups (a CloudWatch Logs retention value).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /** Master user; its password is generated and rotated by RDS in Secrets Manager. @default "dbadmin" */
  readonly masterUsername?: string;
  /** Database created with the cluster. @default - none; applications create their schemas */
  readonly databaseName?: string;
  /** @default 3306 */
  readonly port?: number;
  /** Tags of the cluster (e.g. the AWS Backup selection tag); copied to its snapshots. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Apply changes immediately instead of in the next maintenance window.
   * @default false - instance-class and similar changes wait for the maintenance window
   */
  readonly applyImmediately?: boolean;
}

/** Parameters every cluster gets unless `parameters` overrides them. */
const BASELINE_PARAMETERS: Readonly<Record<string, string>> = {
  require_secure_transport: "ON",
  log_output: "FILE",
};
const AUDIT_PARAMETERS: Readonly<Record<string, string>> = {
  server_audit_logging: "1",
  server_audit_events: "CONNECT,QUERY_DCL,QUERY_DDL",
};
const SLOW_QUERY_PARAMETERS: Readonly<Record<string, string>> = {
  slow_query_log: "1",
  long_query_time: "2",
};

const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * An Aurora MySQL cluster with a writer and readers spread over AZs, in the data subnets.
 *
 * Secure and recoverable by default: storage, Performance Insights and the RDS-managed master
 * password (Secrets Manager, rotated by RDS) encrypted with the given key, TLS required, IAM
 * database authentication on, audit / error / slow-query logs exported to encrypted log groups
 * with retention, Enhanced Monitoring, automated backups, a final snapshot with a deterministic
 * name, automated backups kept after deletion, and deletion protection plus `prevent_destroy`
 * unless `permanent` is false (deletion protection alone, released outside Terraform, with
 * `deletionProtectionReleasedOutOfBand`). Its security group has no rules until a peer is let in
 * through {@link connections} (`aurora.connections.allowDefaultPortFrom(peer, ...)`).
 */
export class AuroraMysql extends ModuleConstruct implements IConnectable, AuroraMetrics {
  readonly cluster: RdsCluster;
  readonly instances: readonly RdsClusterInstance[];
  readonly securityGroup: SecurityGroup;
  readonly parameterGroup: RdsClusterParameterGroup;
  readonly identifier: string;
  /** Identifiers of the instances, writer first (as created; a failover moves the writer role). */
  readonly instanceIdentifiers: readonly string[];
  readonly port: number;
  readonly finalSnapshotIdentifier: string;
  /** Log groups of the exported logs, by log type. */
  readonly logGroups: Readonly<Partial<Record<AuroraLogType, CloudwatchLogGroup>>>;
  /** The cluster's security group; its default port is the database port. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: AuroraMysqlProps) {
    super(scope, id);
    const { identifier, kmsKey } = props;
    const logKey = props.logKey ?? (kmsKey instanceof KmsKey ? kmsKey : undefined);
    if (!logKey) {
      throw new Error(`${this.node.path}: kmsKey is given by ARN, so its policy cannot be extended for CloudWatch Logs; pass a logKey of this stack`);
    }
    const readers = props.readers ?? 0;
    if (!IDENTIFIER.test(identifier)) {
      throw new Error(`${this.node.path}: identifier "${identifier}" must be 2-63 lowercase letters, digits and single '-', starting with a letter`);
    }
    if ((props.instanceClass === undefined) === (props.serverless === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of instanceClass (provisioned) and serverless (Serverless v2)`);
    }
    if (props.serverless && props.serverless.minCapacity > props.serverless.maxCapacity) {
      throw new Error(`${this.node.path}: serverless minCapacity ${props.serverless.minCapacity} exceeds maxCapacity ${props.serverless.maxCapacity}`);
    }
    if (props.availabilityZones.length < readers + 1) {
      throw new Error(`${this.node.path}: ${readers} readers need ${readers + 1} availability zones, got ${props.availabilityZones.length}`);
    }
    this.identifier = identifier;
    this.port = props.port ?? 3306;
    this.finalSnapshotIdentifier = props.finalSnapshotIdentifier ?? fit(`${identifier}-final`, 255);
    const permanent = props.permanent ?? true;
    const releasedOutOfBand = props.deletionProtectionReleasedOutOfBand ?? false;
    if (permanent && releasedOutOfBand) {
      throw new Error(
        `${this.node.path}: deletionProtectionReleasedOutOfBand is for clusters destroyed on purpose, but permanent is true (prevent_destroy stops every destroy anyway); set permanent: false or drop deletionProtectionReleasedOutOfBand`,
      );
    }
    const logExports = props.logExports ?? ["audit", "error", "slowquery"];

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: identifier,
      description: `Aurora MySQL ${identifier}: ingress only from security groups granted through allowFrom`,
      vpcId: props.placement.vpcId,
      tags: { Name: identifier },
    });
    this.connections = new Connections({ securityGroup: this.securityGroup, defaultPort: Port.tcp(this.port) });

    const subnetGroup = new DbSubnetGroup(this, "subnets", {
      name: identifier,
      description: `Data subnets of ${identifier}`,
      subnetIds: [...props.placement.subnetIds],
    });

    const parameters: Record<string, AuroraParameterValue> = {
      ...BASELINE_PARAMETERS,
      ...(logExports.includes("audit") ? AUDIT_PARAMETERS : {}),
      ...(logExports.includes("slowquery") ? SLOW_QUERY_PARAMETERS : {}),
      ...(props.parameters ?? {}),
    };
    this.parameterGroup = new RdsClusterParameterGroup(this, "params", {
      name: identifier,
      family: props.parameterGroupFamily ?? "aurora-mysql8.0",
      description: `Cluster parameters of ${identifier}`,
      parameter: Object.keys(parameters)
        .sort()
        .map((name) => {
          const p = parameters[name]!;
          return typeof p === "string"
            ? { name, value: p, applyMethod: "pending-reboot" }
            : { name, value: p.value, applyMethod: p.applyMethod };
        }),
    });

    // RDS writes exported logs to /aws/rds/cluster/<id>/<type>. Creating the groups first gives
    // them retention and encryption; otherwise RDS creates them unencrypted and kept forever.
    const logGroupPrefix = `/aws/rds/cluster/${identifier}`;
    logKey.allowLogGroup(sid("RdsLogs", identifier), `${logGroupPrefix}/*`);
    const logGroups: Partial<Record<AuroraLogType, CloudwatchLogGroup>> = {};
    for (const type of logExports) {
      logGroups[type] = new CloudwatchLogGroup(this, `log-${type}`, {
        name: `${logGroupPrefix}/${type}`,
        retentionInDays: props.logRetentionDays ?? 365,
        kmsKeyId: logKey.arn,
      });
    }
    this.logGroups = logGroups;

    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: identifier,
      engine: "aurora-mysql",
      engineMode: "provisioned",
      engineVersion: props.engineVersion,
      allowMajorVersionUpgrade: false,
      databaseName: props.databaseName,
      port: this.port,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      dbClusterParameterGroupName: this.parameterGroup.name,
      masterUsername: props.masterUsername ?? "dbadmin",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: kmsKey.arn,
      storageEncrypted: true,
      kmsKeyId: kmsKey.arn,
      iamDatabaseAuthenticationEnabled: true,
      backupRetentionPeriod: props.backupRetentionDays ?? 14,
      preferredBackupWindow: props.preferredBackupWindow,
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: permanent || releasedOutOfBand,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: this.finalSnapshotIdentifier,
      // Automated backups outlive the cluster until their retention ends: a second way back.
      deleteAutomatedBackups: false,
      enabledCloudwatchLogsExports: [...logExports],
      serverlessv2ScalingConfiguration: props.serverless
        ? { minCapacity: props.serverless.minCapacity, maxCapacity: props.serverless.maxCapacity }
        : undefined,
      applyImmediately: props.applyImmediately ?? false,
      tags: props.tags ? { ...props.tags } : undefined,
      dependsOn: Object.values(logGroups),
      lifecycle: permanent
        ? { preventDestroy: true }
        : releasedOutOfBand
          ? // Turned off out of band right before the destroy: a plan must not turn it back on.
            { ignoreChanges: ["deletion_protection"] }
          : undefined,
    });

    const monitoringInterval = props.monitoringIntervalSeconds ?? 60;
    let monitoringRole: IamRole | undefined;
    if (monitoringInterval > 0) {
      monitoringRole = new IamRole(this, "monitoring-role", {
        name: fit(`${identifier}-monitoring`, 64),
        description: `Enhanced Monitoring of ${identifier}`,
        assumeRolePolicy: serviceTrustPolicy("monitoring.rds.amazonaws.com", this.account),
      });
      new IamRolePolicyAttachment(this, "monitoring-policy", {
        role: monitoringRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      });
    }

    const instanceClass = props.instanceClass ?? "db.serverless";
    const instances: RdsClusterInstance[] = [];
    const identifiers: string[] = [];
    for (let i = 0; i <= readers; i++) {
      const instanceId = fit(`${identifier}-${i + 1}`, 63);
      identifiers.push(instanceId);
      instances.push(
        new RdsClusterInstance(this, i === 0 ? "writer" : `reader-${i}`, {
          identifier: instanceId,
          clusterIdentifier: this.cluster.id,
          engine: "aurora-mysql",
          engineVersion: this.cluster.engineVersion,
          instanceClass,
          availabilityZone: props.availabilityZones[i],
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          promotionTier: i === 0 ? 0 : 1,
          monitoringInterval,
          monitoringRoleArn: monitoringRole?.arn,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: kmsKey.arn,
          performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays ?? 7,
          copyTagsToSnapshot: true,
          applyImmediately: props.applyImmediately ?? false,
          // The first instance to become available is the writer, so readers wait for it.
          dependsOn: i === 0 ? undefined : [instances[0]!],
        }),
      );
    }
    this.instances = instances;
    this.instanceIdentifiers = identifiers;
  }

  get clusterArn(): string {
    return this.cluster.arn;
  }

  /** The cluster's resource id (`cluster-...`), used in IAM database authentication ARNs. */
  get clusterResourceId(): string {
    return this.cluster.clusterResourceId;
  }

  /** Writer endpoint. */
  get endpoint(): string {
    return this.cluster.endpoint;
  }

  /** Load-balanced reader endpoint (the writer when there are no readers). */
  get readerEndpoint(): string {
    return this.cluster.readerEndpoint;
  }

  /** ARN of the RDS-managed Secrets Manager secret holding the master user's credentials. */
  get masterUserSecretArn(): string {
    return this.cluster.masterUserSecret.get(0).secretArn;
  }

  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** A CloudWatch metric of this cluster (`DBClusterIdentifier`), for alarms and dashboards. */
  metric(name: AuroraMetricName): Metric {
    return auroraMetric(this.identifier, name);
  }

  /**
   * Lets `grantee` sign in as database user `dbUser` with an IAM authentication token
   * (`rds-db:connect`). The user must exist in MySQL with `AWSAuthenticationPlugin`. A bare role
   * gets a policy of this cluster, `connect-<grantId>`.
   */
  grantConnect(grantee: IGrantable, dbUser: string): Grant {
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [
        {
          actions: ["rds-db:connect"],
          resources: [`arn:aws:rds-db:${this.region}:${this.account}:dbuser:${this.clusterResourceId}/${dbUser}`],
        },
      ],
      policy: { scope: this, id: `connect-${grantee.grantPrincipal.grantId}`, name: fit(`${this.identifier}-connect-${dbUser}`, 128), roleBy: "name" },
    });
  }
}
