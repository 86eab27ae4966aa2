import type { Construct } from "constructs";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { fit } from "../../src/core/naming";
import { Connections, Port, type IConnectable } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import { Grant, type IGrantable } from "../core/grant";
import type { SubnetPlacement } from "../network/placement";
import { redisMetric, type Metric, type RedisMetricName, type RedisMetrics } from "../observability/metric";
import type { KmsKey } from "../security/kms-key";

/** A Redis user that signs in with an IAM authentication token (no password exists). */
export interface RedisIamUser {
  /** User id and user name (IAM authentication needs them equal): lowercase letters, digits, '-', at most 40. */
  readonly name: string;
  /** Redis ACL rules, e.g. `on ~queue:* +@all -@dangerous`. */
  readonly accessString: string;
}

export interface RedisProps {
  /** Replication group id: lowercase letters, digits and '-', at most 40 characters; other names derive from it. */
  readonly replicationGroupId: string;
  /** Subnets of the cache subnet group: the network's data subnets. */
  readonly placement: SubnetPlacement;
  /** Zones the nodes are spread over, primary first, then the replicas round-robin. */
  readonly availabilityZones: readonly string[];
  /** Node type of every node (cache.r7g.large, cache.t4g.small). */
  readonly nodeType: string;
  /** Redis OSS version; 7.0 or later (IAM authentication needs it). @default "7.1" */
  readonly engineVersion?: string;
  /**
   * Read replicas besides the primary (0-5); with one or more, a replica is promoted automatically
   * when the primary fails.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Multi-AZ: replicas in other AZs than the primary and failover across AZs. Needs `replicas` >= 1.
   * @default true - set false (with `replicas: 0`) for a single node; losing it loses the cache
   */
  readonly multiAz?: boolean;
  /** Encrypts data at rest (nodes and snapshots). Transit encryption (TLS) is always required. */
  readonly kmsKey: KmsKey;
  /**
   * Days daily snapshots are kept; 0 turns them off.
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /** Daily snapshot window, UTC `hh24:mi-hh24:mi`. @default - a window ElastiCache picks */
  readonly snapshotWindow?: string;
  /** Weekly maintenance window, UTC `ddd:hh24:mi-ddd:hh24:mi`. @default - a window ElastiCache picks */
  readonly maintenanceWindow?: string;
  /**
   * Users of the RBAC user group, each authenticated by IAM (`elasticache:Connect`, granted with
   * {@link Redis.grantConnect}); no password exists anywhere. The mandatory `default` user is
   * always added, switched off.
   * @default - one user `<replicationGroupId>-app` with `on ~* +@all -@dangerous` (everything but
   * administrative and blocking-the-server commands)
   */
  readonly users?: readonly RedisIamUser[];
  /** @default 6379 */
  readonly port?: number;
  /** Parameter group. @default "default.redis7" */
  readonly parameterGroupName?: string;
  /**
   * Snapshot taken when the group is deleted.
   * @default - none: the cache is rebuilt from the database (waiting-room state is short-lived)
   */
  readonly finalSnapshotIdentifier?: string;
  /** Apply changes immediately instead of in the maintenance window. @default false */
  readonly applyImmediately?: boolean;
}

const GROUP_ID = /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/;

/**
 * An ElastiCache Redis OSS replication group (cluster mode off) in the data subnets.
 *
 * Secure by default: encryption at rest with the given key, TLS required in transit, access
 * controlled by an RBAC user group whose users authenticate with IAM tokens (so there is no AUTH
 * token or password to keep in code, config, Secrets Manager or state) and whose `default` user is
 * switched off, daily snapshots, Multi-AZ with automatic failover. Its security group has no
 * rules until a peer is let in through {@link connections}.
 */
export class Redis extends ModuleConstruct implements IConnectable, RedisMetrics {
  readonly replicationGroup: ElasticacheReplicationGroup;
  readonly securityGroup: SecurityGroup;
  readonly userGroup: ElasticacheUserGroup;
  readonly replicationGroupId: string;
  /** IAM-authenticated users, by name. */
  readonly userNames: readonly string[];
  /**
   * Member cache cluster ids (`<group>-001`, `-002`, ...): the CloudWatch `CacheClusterId` dimension
   * of each node. ElastiCache names the members this way for groups without cluster mode.
   */
  readonly memberClusterIds: readonly string[];
  readonly port: number;
  /** The cache's security group; its default port is the Redis port. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const groupId = props.replicationGroupId;
    const replicas = props.replicas ?? 1;
    const multiAz = props.multiAz ?? true;
    if (!GROUP_ID.test(groupId)) {
      throw new Error(`${this.node.path}: replicationGroupId "${groupId}" must be 2-40 lowercase letters, digits and single '-', starting with a letter`);
    }
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 5) {
      throw new Error(`${this.node.path}: replicas must be a whole number from 0 to 5, got ${replicas}`);
    }
    if (multiAz && replicas === 0) {
      throw new Error(`${this.node.path}: multiAz needs at least one replica to fail over to; set replicas >= 1 or multiAz: false`);
    }
    this.replicationGroupId = groupId;
    this.port = props.port ?? 6379;

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: groupId,
      description: `Redis ${groupId}: ingress only from security groups granted through allowFrom`,
      vpcId: props.placement.vpcId,
      tags: { Name: groupId },
    });
    this.connections = new Connections({ securityGroup: this.securityGroup, defaultPort: Port.tcp(this.port) });

    const subnetGroup = new ElasticacheSubnetGroup(this, "subnets", {
      name: groupId,
      description: `Data subnets of ${groupId}`,
      subnetIds: [...props.placement.subnetIds],
    });

    // Every user group must hold a user named "default"; this one can do nothing.
    const defaultUser = new ElasticacheUser(this, "default-user", {
      userId: fit(`${groupId}-default`, 40),
      userName: "default",
      engine: "redis",
      accessString: "off -@all",
      authenticationMode: { type: "no-password-required" },
    });
    const users = props.users ?? [{ name: fit(`${groupId}-app`, 40), accessString: "on ~* +@all -@dangerous" }];
    const seen = new Set<string>();
    const iamUsers = users.map((u) => {
      if (!/^[a-z][a-z0-9-]{0,39}$/.test(u.name) || u.name === "default") {
        throw new Error(`${this.node.path}: user name "${u.name}" must be 1-40 lowercase letters, digits and '-', starting with a letter, and not "default"`);
      }
      if (seen.has(u.name)) throw new Error(`${this.node.path}: user "${u.name}" is listed twice`);
      seen.add(u.name);
      return new ElasticacheUser(this, `user-${u.name}`, {
        userId: u.name,
        userName: u.name,
        engine: "redis",
        accessString: u.accessString,
        authenticationMode: { type: "iam" },
      });
    });
    this.userNames = users.map((u) => u.name);
    this.userGroup = new ElasticacheUserGroup(this, "user-group", {
      userGroupId: fit(`${groupId}-users`, 40),
      engine: "redis",
      userIds: [defaultUser.userId, ...iamUsers.map((u) => u.userId)],
    });

    const nodes = replicas + 1;
    const azs = props.availabilityZones;
    this.replicationGroup = new ElasticacheReplicationGroup(this, "group", {
      replicationGroupId: groupId,
      description: `Redis ${groupId}`,
      engine: "redis",
      engineVersion: props.engineVersion ?? "7.1",
      nodeType: props.nodeType,
      port: this.port,
      parameterGroupName: props.parameterGroupName ?? "default.redis7",
      numCacheClusters: nodes,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: multiAz,
      preferredCacheClusterAzs: azs.length > 0 ? Array.from({ length: nodes }, (_, i) => azs[i % azs.length]!) : undefined,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKey.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      userGroupIds: [this.userGroup.userGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      snapshotWindow: props.snapshotWindow,
      maintenanceWindow: props.maintenanceWindow,
      finalSnapshotIdentifier: props.finalSnapshotIdentifier,
      autoMinorVersionUpgrade: "true",
      applyImmediately: props.applyImmediately ?? false,
    });
    this.memberClusterIds = Array.from({ length: nodes }, (_, i) => `${groupId}-${String(i + 1).padStart(3, "0")}`);
  }

  get arn(): string {
    return this.replicationGroup.arn;
  }

  /** Endpoint of the primary (reads and writes). */
  get primaryEndpoint(): string {
    return this.replicationGroup.primaryEndpointAddress;
  }

  /** Endpoint spread over the replicas (reads). */
  get readerEndpoint(): string {
    return this.replicationGroup.readerEndpointAddress;
  }

  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** A CloudWatch metric of one node (`node` is one of {@link memberClusterIds}), for alarms and dashboards. */
  metric(name: RedisMetricName, node: string): Metric {
    return redisMetric(node, name);
  }

  /**
   * Lets `grantee` sign in to this cache as `userName` (one of {@link userNames}) with an IAM
   * token. A bare role gets a policy of this cache, `connect-<grantId>`.
   */
  grantConnect(grantee: IGrantable, userName: string = this.userNames[0]!): Grant {
    if (!this.userNames.includes(userName)) {
      throw new Error(`${this.node.path}: no IAM user "${userName}"; users are ${this.userNames.join(", ")}`);
    }
    const arn = (type: string, name: string) => `arn:aws:elasticache:${this.region}:${this.account}:${type}:${name}`;
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [{ actions: ["elasticache:Connect"], resources: [arn("replicationgroup", this.replicationGroupId), arn("user", userName)] }],
      policy: { scope: this, id: `connect-${grantee.grantPrincipal.grantId}`, name: fit(`${this.replicationGroupId}-connect-${userName}`, 128), roleBy: "name" },
    });
  }
}
