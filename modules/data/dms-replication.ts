import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { DmsEndpoint } from "@cdktf/provider-aws/lib/dms-endpoint";
import { DmsReplicationInstance } from "@cdktf/provider-aws/lib/dms-replication-instance";
import { DmsReplicationSubnetGroup } from "@cdktf/provider-aws/lib/dms-replication-subnet-group";
import { DmsReplicationTask } from "@cdktf/provider-aws/lib/dms-replication-task";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Connections, Peer, Port, type IConnectable } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import { dmsTaskMetric, type DmsTaskMetricName, type Metric } from "../observability/metric";
import type { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";
import { buildTableMappings, type DmsTableMapping } from "./dms-table-mappings";
import { buildTaskSettings, type DmsTaskSettings, type DmsTaskSettingsInput } from "./dms-task-settings";

/** MySQL user the post-apply step creates on the event database for the DMS source endpoint. */
export const DMS_SOURCE_USER = "dms_source";

/** How DMS authenticates the database server's certificate. */
export type DmsTls = { readonly mode: "require" } | { readonly mode: "verify-full"; readonly certificateArn: string };

export interface DmsTargetDatabase {
  /**
   * Secret with `username`, `password`, `host` and `port` of the DMS user on the prod writer. An
   * RDS-managed master secret does not qualify: it holds no host or port, which DMS requires.
   */
  readonly secretArn: string;
  /** Key encrypting that secret. */
  readonly secretKmsKeyArn: string;
  /** The prod data subnets' blocks, which the DMS security group may reach on `port`. */
  readonly cidrs: readonly string[];
  /** @default 3306 */
  readonly port?: number;
  /**
   * The prod database's security group, which gets an ingress rule for DMS only (it lives and
   * dies with this stack).
   * @default - no rule; the prod side must admit DMS some other way
   */
  readonly securityGroup?: {
    readonly id: string;
    /**
     * Provider acting in the prod account and region.
     * @default - the stack's default provider
     */
    readonly provider?: AwsProvider;
    /**
     * Whether the rule may reference the DMS security group (same account and region as prod),
     * or must name the DMS subnets' blocks (another account or region).
     */
    readonly referenceBy: "security-group" | "cidrs";
  };
}

export interface DmsReplicationProps {
  /** Replication instance identifier (`eventResourceNames().dmsReplicationInstanceId`). */
  readonly replicationInstanceId: string;
  /** Replication task identifier (`eventResourceNames().dmsTaskId`). */
  readonly replicationTaskId: string;
  readonly vpcId: string;
  /** The VPC's block: the Secrets Manager interface endpoint is reached inside it on 443. */
  readonly vpcCidr: string;
  /** Subnets of the replication subnet group (the event data subnets, in at least two AZs). */
  readonly subnets: readonly { readonly id: string; readonly cidr: string }[];
  /** Instance class, e.g. dms.r6i.large. */
  readonly instanceClass: string;
  /** DMS engine version, pinned (minor upgrades are off so the version cannot move during a sale). */
  readonly engineVersion: string;
  /**
   * A standby in another AZ that takes over if the instance fails.
   * @default true - doubles the instance cost for the event's lifetime
   */
  readonly multiAz?: boolean;
  /**
   * Instance storage (GiB) for cached changes and logs while the target lags.
   * @default 100
   */
  readonly allocatedStorageGb?: number;
  /** Key for the instance's storage, the endpoints' connection settings and the source secret. */
  readonly kmsKey: KmsKey;
  readonly target: DmsTargetDatabase;
  /**
   * Certificate checking on both endpoints.
   * @default { mode: "require" } - TLS always; "verify-full" also checks the server's name and CA
   * (needs the RDS CA bundle imported as a DMS certificate)
   */
  readonly tls?: DmsTls;
  /** Event tables copied into prod. */
  readonly tableMappings: readonly DmsTableMapping[];
  /** LOB and validation settings; the safety settings are fixed (see dms-task-settings.ts). */
  readonly settings: DmsTaskSettingsInput;
}

/**
 * DMS replication of the event database into the prod database: a replication instance in the
 * event data subnets (not publicly accessible, KMS-encrypted, pinned engine version, its own
 * security group), source and target `aurora` endpoints authenticated through Secrets Manager
 * with TLS, and one `full-load-and-cdc` task whose mappings and settings come from typed config.
 * The source database lets the instance in through {@link connections}
 * (`db.connections.allowDefaultPortFrom(dms, ...)`); the path to the target is written here.
 *
 * The source credentials live in a secret created here and written by the post-apply step (a DMS
 * user with replication privileges on the event database): the RDS-managed master secret has no
 * host or port, which DMS endpoints require. The target secret belongs to prod.
 *
 * The task is created stopped (`start_replication_task = false`); the post-apply step starts it
 * once the source user exists and binlog retention is set, so CDC never starts from a binlog
 * that may be purged and the apply never waits on, or fails for, a task that cannot connect yet.
 *
 * Needs the account-wide `dms-vpc-role` and `dms-cloudwatch-logs-role`, which the prod stack
 * creates: apply prod before the first event.
 */
export class DmsReplication extends ModuleConstruct implements IConnectable {
  readonly instance: DmsReplicationInstance;
  readonly task: DmsReplicationTask;
  readonly sourceEndpoint: DmsEndpoint;
  readonly targetEndpoint: DmsEndpoint;
  readonly securityGroup: SecurityGroup;
  /** The replication instance's security group: no inbound, outbound only through links and the rules below. */
  readonly connections: Connections;
  /** Secret the post-apply step fills with the source DMS user's credentials. */
  readonly sourceSecret: SecretsmanagerSecret;
  /** Role DMS assumes to read the two endpoint secrets. */
  readonly secretsAccessRole: IamRole;
  /** The settings the task runs with (also the JSON in `replication_task_settings`). */
  readonly taskSettings: DmsTaskSettings;
  readonly replicationInstanceId: string;
  readonly replicationTaskId: string;

  constructor(scope: Construct, id: string, props: DmsReplicationProps) {
    super(scope, id);
    const { naming, account: accountId, region } = this;
    const fail = (message: string): never => {
      throw new Error(`${this.node.path}: ${message}`);
    };
    if (!/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/.test(props.replicationInstanceId) || props.replicationInstanceId.endsWith("-")) {
      fail(`replicationInstanceId "${props.replicationInstanceId}" must be 1-63 letters, digits or single hyphens, starting with a letter`);
    }
    if (!/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}$/.test(props.replicationTaskId) || props.replicationTaskId.endsWith("-")) {
      fail(`replicationTaskId "${props.replicationTaskId}" must be 1-255 letters, digits or single hyphens, starting with a letter`);
    }
    if (new Set(props.subnets.map((s) => s.id)).size < 2) fail("the replication subnet group needs subnets in at least two AZs");
    if (props.target.cidrs.length === 0) fail("target.cidrs is empty; give the prod data subnets' blocks");
    const tls = props.tls ?? { mode: "require" };
    this.replicationInstanceId = props.replicationInstanceId;
    this.replicationTaskId = props.replicationTaskId;
    const targetPort = props.target.port ?? 3306;

    // Network: no inbound at all; out only to the two databases and the Secrets Manager endpoint.
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: naming.name("dms"),
      description: "DMS replication instance: outbound to the event and prod databases only",
      vpcId: props.vpcId,
      tags: { Name: naming.name("dms") },
    });
    this.connections = new Connections({ securityGroup: this.securityGroup });
    this.connections.allowTo(Peer.ipv4List(props.target.cidrs), Port.tcp(targetPort), {
      egress: { id: "to-target", description: "MySQL to the prod database (target) through the peering" },
    });
    this.connections.allowTo(Peer.ipv4(props.vpcCidr), Port.tcp(443), {
      egress: { id: "to-secrets-manager", description: "HTTPS to the Secrets Manager interface endpoint in the VPC" },
    });
    const targetSg = props.target.securityGroup;
    if (targetSg) {
      // Prod's group, by id and with prod's provider; the rule lives and dies with this instance.
      const target = new Connections({ securityGroup: { id: targetSg.id }, provider: targetSg.provider, defaultPort: Port.tcp(targetPort) });
      if (targetSg.referenceBy === "security-group") {
        target.allowDefaultPortFrom(this, {
          ingress: { scope: this, id: "target-ingress", description: `DMS of ${naming.workspace} writing the event's data` },
          egress: { coveredBy: "to-target" },
        });
      } else {
        target.allowDefaultPortFrom(Peer.ipv4List(props.subnets.map((s) => s.cidr)), {
          ingress: { scope: this, id: "target-ingress", description: (cidr) => `DMS of ${naming.workspace} writing the event's data, from ${cidr}` },
        });
      }
    }

    // Replication instance.
    const subnetGroup = new DmsReplicationSubnetGroup(this, "subnet-group", {
      replicationSubnetGroupId: naming.name("dms", 255),
      replicationSubnetGroupDescription: `DMS of ${naming.workspace}: the event data subnets`,
      subnetIds: props.subnets.map((s) => s.id),
    });
    this.instance = new DmsReplicationInstance(this, "instance", {
      replicationInstanceId: props.replicationInstanceId,
      replicationInstanceClass: props.instanceClass,
      engineVersion: props.engineVersion,
      autoMinorVersionUpgrade: false,
      allowMajorVersionUpgrade: false,
      allocatedStorage: props.allocatedStorageGb ?? 100,
      multiAz: props.multiAz ?? true,
      publiclyAccessible: false,
      kmsKeyArn: props.kmsKey.arn,
      replicationSubnetGroupId: subnetGroup.replicationSubnetGroupId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      networkType: "IPV4",
      // The instance only lives for one event: a change is wanted now, not in a maintenance window.
      applyImmediately: true,
    });

    // Credentials: DMS assumes this role to read the two endpoint secrets, nothing else.
    this.sourceSecret = new SecretsmanagerSecret(this, "source-secret", {
      name: naming.name("dms-source", 512),
      description: `DMS source credentials (${DMS_SOURCE_USER}, password, host, port) on the event database of ${naming.workspace}; written by the post-apply step`,
      kmsKeyId: props.kmsKey.arn,
      // Regenerated by the post-apply step on every spin-up; a recovery window would only block
      // re-creating the stack under the same name.
      recoveryWindowInDays: 0,
    });
    this.secretsAccessRole = new IamRole(this, "secrets-access-role", {
      name: naming.name("dms-secrets"),
      description: `Lets DMS of ${naming.workspace} read its source and target endpoint secrets`,
      assumeRolePolicy: policyDocument([
        {
          principals: { type: "Service", identifiers: ["dms.amazonaws.com", `dms.${region}.amazonaws.com`] },
          actions: ["sts:AssumeRole"],
          conditions: { StringEquals: { "aws:SourceAccount": accountId } },
        },
      ]),
    });
    new IamRolePolicy(this, "secrets-access-policy", {
      role: this.secretsAccessRole.id,
      name: "read-endpoint-secrets",
      policy: policyDocument([
        { sid: "EndpointSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [this.sourceSecret.arn, props.target.secretArn] },
        {
          // Only through Secrets Manager: the keys also protect other data (prod's data key). Any
          // region, because prod's secret may live in another region than the event.
          sid: "SecretKeys",
          actions: ["kms:Decrypt"],
          resources: [props.kmsKey.arn, props.target.secretKmsKeyArn],
          conditions: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
        },
      ]),
    });

    const endpoint = (kind: "source" | "target", secretArn: string, extra: string | undefined) =>
      new DmsEndpoint(this, `${kind}-endpoint`, {
        endpointId: naming.name(`dms-${kind}`, 255),
        endpointType: kind,
        engineName: "aurora",
        secretsManagerArn: secretArn,
        secretsManagerAccessRoleArn: this.secretsAccessRole.arn,
        sslMode: tls.mode,
        ...(tls.mode === "verify-full" ? { certificateArn: tls.certificateArn } : {}),
        kmsKeyArn: props.kmsKey.arn,
        ...(extra ? { extraConnectionAttributes: extra } : {}),
      });
    this.sourceEndpoint = endpoint("source", this.sourceSecret.arn, undefined);
    // DMS loads tables in parallel during the full load, so foreign keys between the copied
    // tables cannot be checked row by row (AWS's documented requirement for MySQL targets).
    this.targetEndpoint = endpoint("target", props.target.secretArn, "Initstmt=SET FOREIGN_KEY_CHECKS=0");

    // The task.
    this.taskSettings = buildTaskSettings(props.settings);
    this.task = new DmsReplicationTask(this, "task", {
      replicationTaskId: props.replicationTaskId,
      migrationType: "full-load-and-cdc",
      replicationInstanceArn: this.instance.replicationInstanceArn,
      sourceEndpointArn: this.sourceEndpoint.endpointArn,
      targetEndpointArn: this.targetEndpoint.endpointArn,
      tableMappings: JSON.stringify(buildTableMappings(props.tableMappings)),
      replicationTaskSettings: JSON.stringify(this.taskSettings),
      // Started by the post-apply step, after binlog retention and the source user exist.
      startReplicationTask: false,
    });
  }

  /** ARN of the task, for the lifecycle's describe/start/stop permissions. */
  get taskArn(): string {
    return this.task.replicationTaskArn;
  }

  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** A CloudWatch metric of the task, for alarms and dashboards. */
  metric(name: DmsTaskMetricName): Metric {
    // Task metrics carry the task's resource id (the last part of its ARN), not its identifier.
    return dmsTaskMetric(this.instance.replicationInstanceId, Fn.element(Fn.split(":", this.task.replicationTaskArn), 6), name);
  }
}
