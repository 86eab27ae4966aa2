import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { describe, expect, it } from "vitest";
import { Peer } from "../../../modules/core/connections";
import { RolePrincipal } from "../../../modules/core/grant";
import { Redis, type RedisProps } from "../../../modules/data/redis";
import { listOf, resourcesOf, synthJson } from "../../helpers/synth";
import { ACCOUNT, AZS, REGION, moduleStack, ref, statementsOf } from "../../helpers/stack";

function synthRedis(props: Partial<RedisProps> = {}, extra?: (cache: Redis) => void) {
  const { stack, key } = moduleStack();
  const cache = new Redis(stack, "cache", {
    replicationGroupId: "flashcrowd-test-redis",
    placement: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
    availabilityZones: AZS,
    nodeType: "cache.r7g.large",
    kmsKey: key,
    ...props,
  });
  extra?.(cache);
  return { json: synthJson(stack), cache };
}

/** A bare role next to the cache, granted as "app". */
function appRole(cache: Redis): RolePrincipal {
  return new RolePrincipal(new IamRole(cache.node.scope!, "app-role", { name: "app-role", assumeRolePolicy: "{}" }), { grantId: "app" });
}

describe("Redis defaults", () => {
  const { json, cache } = synthRedis();
  const [group] = listOf(json, "aws_elasticache_replication_group");

  it("encrypts at rest with the given key and requires TLS in transit", () => {
    expect(group).toMatchObject({ at_rest_encryption_enabled: "true", transit_encryption_enabled: true, transit_encryption_mode: "required" });
    expect(group!.kms_key_id).toMatch(ref("aws_kms_key", "arn"));
  });

  it("runs a primary and one replica in two AZs with automatic Multi-AZ failover", () => {
    expect(group).toMatchObject({
      engine: "redis",
      engine_version: "7.1",
      parameter_group_name: "default.redis7",
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      preferred_cache_cluster_azs: ["ap-northeast-2a", "ap-northeast-2b"],
    });
    expect(cache.memberClusterIds).toEqual(["flashcrowd-test-redis-001", "flashcrowd-test-redis-002"]);
  });

  it("keeps daily snapshots for 7 days", () => {
    expect(group!.snapshot_retention_limit).toBe(7);
  });

  it("controls access with an RBAC user group: the default user switched off, one IAM-authenticated user", () => {
    const users = listOf(json, "aws_elasticache_user");
    expect(users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user_name: "default", access_string: "off -@all", authentication_mode: { type: "no-password-required" } }),
        expect.objectContaining({
          user_id: "flashcrowd-test-redis-app",
          user_name: "flashcrowd-test-redis-app",
          access_string: "on ~* +@all -@dangerous",
          authentication_mode: { type: "iam" },
        }),
      ]),
    );
    expect(listOf(json, "aws_elasticache_user_group")[0]!.user_ids).toHaveLength(2);
    expect(group!.user_group_ids).toEqual([expect.stringMatching(ref("aws_elasticache_user_group", "user_group_id"))]);
  });

  it("holds no password or AUTH token anywhere", () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/auth_token|"passwords"/);
  });

  it("sits in the given subnets behind a security group with no rules", () => {
    expect(listOf(json, "aws_elasticache_subnet_group")[0]!.subnet_ids).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(listOf(json, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });
});

describe("Redis options", () => {
  it("runs a single node without failover when asked", () => {
    const { json, cache } = synthRedis({ replicas: 0, multiAz: false });
    expect(listOf(json, "aws_elasticache_replication_group")[0]).toMatchObject({
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
      preferred_cache_cluster_azs: ["ap-northeast-2a"],
    });
    expect(cache.memberClusterIds).toEqual(["flashcrowd-test-redis-001"]);
  });

  it("wraps replicas around the AZs", () => {
    const { json } = synthRedis({ replicas: 3 });
    expect(listOf(json, "aws_elasticache_replication_group")[0]!.preferred_cache_cluster_azs).toEqual([
      "ap-northeast-2a",
      "ap-northeast-2b",
      "ap-northeast-2c",
      "ap-northeast-2a",
    ]);
  });

  it("turns snapshots off and takes a final snapshot when asked", () => {
    const { json } = synthRedis({ snapshotRetentionDays: 0, finalSnapshotIdentifier: "flashcrowd-test-redis-final" });
    expect(listOf(json, "aws_elasticache_replication_group")[0]).toMatchObject({ snapshot_retention_limit: 0, final_snapshot_identifier: "flashcrowd-test-redis-final" });
  });

  it("creates the given IAM users", () => {
    const { json } = synthRedis({ users: [{ name: "waiting-room", accessString: "on ~queue:* +@all -@dangerous" }, { name: "reader", accessString: "on ~* +@read" }] });
    const iamUsers = listOf(json, "aws_elasticache_user").filter((u) => u.user_name !== "default");
    expect(iamUsers.map((u) => [u.user_id, u.access_string, (u.authentication_mode as { type: string }).type]).sort()).toEqual([
      ["reader", "on ~* +@read", "iam"],
      ["waiting-room", "on ~queue:* +@all -@dangerous", "iam"],
    ]);
  });

  it("admits a peer security group on the Redis port through its connections", () => {
    const { json } = synthRedis({}, (c) => c.connections.allowDefaultPortFrom(Peer.securityGroupId("sg-peer"), { ingress: { description: "Waiting room tasks" } }));
    expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ description: "Waiting room tasks", from_port: 6379, to_port: 6379, referenced_security_group_id: "sg-peer" }),
    ]);
  });

  it("grants elasticache:Connect on the group and the user, in a policy of the cache on a bare role", () => {
    const { json } = synthRedis({}, (c) => c.grantConnect(appRole(c)));
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy"))[0]).toMatch(/^cache_connect-app_[A-F0-9]{8}$/);
    expect(listOf(json, "aws_iam_role_policy")[0]).toMatchObject({ name: "flashcrowd-test-redis-connect-flashcrowd-test-redis-app" });
    expect(listOf(json, "aws_iam_role_policy")[0]!.role).toMatch(ref("aws_iam_role", "name"));
    expect(statementsOf(json, "aws_iam_role_policy")).toEqual([
      {
        Effect: "Allow",
        Action: "elasticache:Connect",
        Resource: [
          `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:flashcrowd-test-redis`,
          `arn:aws:elasticache:${REGION}:${ACCOUNT}:user:flashcrowd-test-redis-app`,
        ],
      },
    ]);
  });

  it.each<[string, Partial<RedisProps>, RegExp]>([
    ["Multi-AZ without a replica", { replicas: 0 }, /multiAz needs at least one replica/],
    ["six replicas", { replicas: 6 }, /replicas must be a whole number from 0 to 5/],
    ["a group id longer than 40", { replicationGroupId: `r${"x".repeat(40)}` }, /must be 2-40 lowercase/],
    ["a user named default", { users: [{ name: "default", accessString: "on ~* +@all" }] }, /not "default"/],
    ["a user listed twice", { users: [{ name: "app", accessString: "on" }, { name: "app", accessString: "on" }] }, /listed twice/],
  ])("rejects %s", (_name, props, message) => {
    expect(() => synthRedis(props)).toThrow(message);
  });

  it("refuses to grant an unknown user", () => {
    expect(() => synthRedis({}, (c) => c.grantConnect(appRole(c), "nobody"))).toThrow(/no IAM user "nobody"/);
  });
});
