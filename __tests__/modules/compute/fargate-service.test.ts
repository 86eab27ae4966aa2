import { describe, expect, it } from "vitest";
import { EcsCluster } from "../../../modules/compute/ecs-cluster";
import { FargateService, type FargateServiceProps } from "../../../modules/compute/fargate-service";
import { Peer } from "../../../modules/core/connections";
import { KmsKey } from "../../../modules/security/kms-key";
import { Naming } from "../../../src/core/naming";
import { environmentStack } from "../../helpers/stack";
import { listOf, parseJsonAttribute, resourcesOf, synthJson } from "../../helpers/synth";

const ACCOUNT = "123456789012";
const REPO_ARN = `arn:aws:ecr:ap-northeast-2:${ACCOUNT}:repository/flashcrowd/web`;
const REPO_URL = `${ACCOUNT}.dkr.ecr.ap-northeast-2.amazonaws.com/flashcrowd/web`;
const SECRET_ARN = `arn:aws:secretsmanager:ap-northeast-2:${ACCOUNT}:secret:flashcrowd/web/session-AbCdEf`;
const KEY_ARN = `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const TG_ARN = `arn:aws:elasticloadbalancing:ap-northeast-2:${ACCOUNT}:targetgroup/web/0123456789abcdef`;

interface Policy {
  Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Principal?: unknown; Condition?: unknown }[];
}
interface Container {
  name: string;
  image: string;
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  linuxParameters: { capabilities: { drop: string[] } };
  portMappings?: { containerPort: number }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

function synthService(props: Partial<FargateServiceProps> = {}) {
  const naming = new Naming("flashcrowd", "event-dec-flash-sale");
  const { stack } = environmentStack({ naming });
  const logKey = new KmsKey(stack, "key", { alias: "test", description: "test" });
  const cluster = new EcsCluster(stack, "cluster", { name: naming.name("ecs") });
  const service = new FargateService(stack, "web", {
    serviceName: "web",
    cluster,
    placement: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-a", "subnet-b"] },
    image: { repositoryUrl: REPO_URL, repositoryArn: REPO_ARN, tag: "2026.12.1" },
    cpu: 1024,
    memory: 2048,
    containerPort: 8080,
    targetGroupArn: TG_ARN,
    environment: { LOG_LEVEL: "info" },
    secrets: { SESSION_KEY: { secretArn: SECRET_ARN, jsonKey: "key" } },
    secretKmsKeyArns: [KEY_ARN],
    logKey,
    scaling: {
      minTasks: 2,
      maxTasks: 200,
      requestCount: { resourceLabel: "app/alb/0123/targetgroup/web/4567", targetPerMinute: 23076 },
      prewarm: { tasks: 78, raiseSchedule: "at(2026-12-04T19:30:00)", lowerSchedule: "at(2026-12-06T00:15:00)", timezone: "Asia/Seoul" },
    },
    ...props,
  });
  // The load balancer's side of the link is another module's; here it is a group known by id.
  if (service.connections.defaultPort) {
    service.connections.allowDefaultPortFrom(Peer.securityGroupId("sg-0alb"), { ingress: { id: "ingress", description: "HTTP from the event ALB" } });
  }
  return synthJson(stack);
}

function containerOf(json: ReturnType<typeof synthService>): Container {
  const [task] = listOf(json, "aws_ecs_task_definition");
  return parseJsonAttribute<Container[]>(task!.container_definitions)[0]!;
}

describe("EcsCluster", () => {
  it("turns Container Insights on", () => {
    const json = synthService();
    expect(listOf(json, "aws_ecs_cluster")[0]!.setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });
});

describe("FargateService task definition", () => {
  const json = synthService();
  const container = containerOf(json);

  it("runs on Fargate with the configured CPU and memory", () => {
    expect(listOf(json, "aws_ecs_task_definition")[0]).toEqual(
      expect.objectContaining({ requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", cpu: "1024", memory: "2048" }),
    );
  });

  it("has a read-only root file system, is not privileged and drops every capability", () => {
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.privileged).toBe(false);
    expect(container.linuxParameters.capabilities.drop).toEqual(["ALL"]);
  });

  it("keeps /tmp writable through a task volume", () => {
    expect(container.mountPoints).toEqual([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
    expect(listOf(json, "aws_ecs_task_definition")[0]!.volume).toEqual([{ name: "scratch-0" }]);
  });

  it("runs the image by repository URL and tag", () => {
    expect(container.image).toBe(`${REPO_URL}:2026.12.1`);
  });

  it("injects secrets from Secrets Manager and never as plain environment", () => {
    expect(container.secrets).toEqual([{ name: "SESSION_KEY", valueFrom: `${SECRET_ARN}:key::` }]);
    expect(container.environment).toEqual([{ name: "LOG_LEVEL", value: "info" }]);
  });

  it("logs with awslogs to a KMS-encrypted log group with retention", () => {
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": "/flashcrowd/event-dec-flash-sale/ecs/web", "awslogs-region": "ap-northeast-2", "awslogs-stream-prefix": "web" },
    });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]).toEqual(
      expect.objectContaining({ name: "/flashcrowd/event-dec-flash-sale/ecs/web", retention_in_days: 30, kms_key_id: expect.stringContaining("aws_kms_key.key_") }),
    );
  });

  it("lets CloudWatch Logs use the key for this log group only", () => {
    const keyPolicy = parseJsonAttribute<Policy>(listOf(json, "aws_kms_key")[0]!.policy);
    expect(keyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:ap-northeast-2:${ACCOUNT}:log-group:/flashcrowd/event-dec-flash-sale/ecs/web` } },
      }),
    );
  });
});

describe("FargateService execution role", () => {
  const json = synthService();
  const policy = parseJsonAttribute<Policy>(listOf(json, "aws_iam_role_policy")[0]!.policy);
  const bySid = (sid: string) => policy.Statement.find((s) => s.Sid === sid);

  it("is assumed only by ECS tasks of this account", () => {
    const trust = parseJsonAttribute<Policy>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement[0]).toEqual(
      expect.objectContaining({ Principal: { Service: "ecs-tasks.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
    );
  });

  it("pulls from the one repository, writes the one log group, reads only the listed secrets and their key", () => {
    expect(bySid("EcrPull")!.Resource).toBe(REPO_ARN);
    expect(bySid("Logs")!.Resource).toBe(`arn:aws:logs:ap-northeast-2:${ACCOUNT}:log-group:/flashcrowd/event-dec-flash-sale/ecs/web:*`);
    expect(bySid("Secrets")).toEqual(expect.objectContaining({ Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN }));
    expect(bySid("SecretKeys")).toEqual(
      expect.objectContaining({ Action: "kms:Decrypt", Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com" } } }),
    );
  });

  it("has a wildcard resource only for the ECR token, which has no resource-level permission", () => {
    const wildcards = policy.Statement.filter((s) => s.Resource === "*");
    expect(wildcards.map((s) => s.Action)).toEqual(["ecr:GetAuthorizationToken"]);
  });

  it("grants no secret access when the service has no secrets", () => {
    const bare = synthService({ secrets: undefined, secretKmsKeyArns: undefined });
    const sids = parseJsonAttribute<Policy>(listOf(bare, "aws_iam_role_policy")[0]!.policy).Statement.map((s) => s.Sid);
    expect(sids).toEqual(["EcrAuth", "EcrPull", "Logs"]);
  });
});

describe("FargateService service", () => {
  const json = synthService();
  const [service] = listOf(json, "aws_ecs_service");

  it("runs in the given private subnets without public IPs, in its own security group", () => {
    expect(service!.network_configuration).toEqual({
      subnets: ["subnet-a", "subnet-b"],
      security_groups: [expect.stringMatching(/^\$\{aws_security_group\.web_sg_[A-Z0-9]+\.id\}$/)],
      assign_public_ip: false,
    });
  });

  it("rolls back a deployment whose tasks do not become healthy", () => {
    expect(service!.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it("registers its tasks in the target group on the container port", () => {
    expect(service!.load_balancer).toEqual([{ target_group_arn: TG_ARN, container_name: "web", container_port: 8080 }]);
    expect(service!.health_check_grace_period_seconds).toBe(60);
  });

  it("leaves the task count to autoscaling", () => {
    expect(service!.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    expect(service!.desired_count).toBe(2);
  });

  it("admits only the linked peer, only on the container port (its default port)", () => {
    const ingress = listOf(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual([
      expect.objectContaining({ referenced_security_group_id: "sg-0alb", from_port: 8080, to_port: 8080, ip_protocol: "tcp", description: "HTTP from the event ALB" }),
    ]);
  });

  it("has no load balancer, no ingress and no request scaling as a worker", () => {
    const worker = synthService({
      containerPort: undefined,
      targetGroupArn: undefined,
      scaling: { minTasks: 1, maxTasks: 30 },
    });
    expect(listOf(worker, "aws_ecs_service")[0]!.load_balancer).toBeUndefined();
    expect(listOf(worker, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(listOf(worker, "aws_appautoscaling_policy").map((p) => p.name)).toEqual(["flashcrowd-event-dec-flash-sale-web-cpu"]);
    expect(containerOf(worker).portMappings).toBeUndefined();
  });
});

describe("FargateService autoscaling", () => {
  const json = synthService();

  it("scales the service between min and max tasks", () => {
    expect(listOf(json, "aws_appautoscaling_target")).toEqual([
      expect.objectContaining({ min_capacity: 2, max_capacity: 200, scalable_dimension: "ecs:service:DesiredCount", service_namespace: "ecs" }),
    ]);
  });

  it("tracks CPU and ALB requests per target", () => {
    const policies = listOf(json, "aws_appautoscaling_policy").map((p) => p.target_tracking_scaling_policy_configuration as Record<string, unknown>);
    expect(policies).toEqual([
      expect.objectContaining({ target_value: 60, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } }),
      expect.objectContaining({
        target_value: 23076,
        predefined_metric_specification: { predefined_metric_type: "ALBRequestCountPerTarget", resource_label: "app/alb/0123/targetgroup/web/4567" },
      }),
    ]);
  });

  it("raises the minimum to the pre-warm count before opening and lowers it after closing, in the event's zone", () => {
    const actions = resourcesOf(json, "aws_appautoscaling_scheduled_action");
    const [raise, lower] = Object.values(actions);
    expect(raise).toEqual(
      expect.objectContaining({ schedule: "at(2026-12-04T19:30:00)", timezone: "Asia/Seoul", scalable_target_action: { min_capacity: "78", max_capacity: "200" } }),
    );
    expect(lower).toEqual(
      expect.objectContaining({ schedule: "at(2026-12-06T00:15:00)", timezone: "Asia/Seoul", scalable_target_action: { min_capacity: "2", max_capacity: "200" } }),
    );
  });
});

describe("FargateService rejects", () => {
  it.each<[string, Partial<FargateServiceProps>, RegExp]>([
    ["an image with both tag and digest", { image: { repositoryUrl: REPO_URL, repositoryArn: REPO_ARN, tag: "1", digest: `sha256:${"a".repeat(64)}` } }, /exactly one of tag or digest/],
    ["the latest tag", { image: { repositoryUrl: REPO_URL, repositoryArn: REPO_ARN, tag: "latest" } }, /"latest" is mutable/],
    ["a malformed digest", { image: { repositoryUrl: REPO_URL, repositoryArn: REPO_ARN, digest: "sha256:abc" } }, /must look like sha256:/],
    ["a target group without a container port", { containerPort: undefined }, /needs containerPort/],
    ["a pre-warm count above max tasks", { scaling: { minTasks: 2, maxTasks: 10, prewarm: { tasks: 11, raiseSchedule: "at(2026-12-04T19:30:00)", lowerSchedule: "at(2026-12-06T00:15:00)", timezone: "Asia/Seoul" } } }, /prewarm.tasks \(11\) must lie within/],
    ["a secret that is also plain environment", { environment: { SESSION_KEY: "x" } }, /SESSION_KEY is both in environment and in secrets/],
  ])("%s", (_name, props, error) => {
    expect(() => synthService(props)).toThrow(error);
  });

  it("pins a digest when one is given", () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const json = synthService({ image: { repositoryUrl: REPO_URL, repositoryArn: REPO_ARN, digest } });
    expect(containerOf(json).image).toBe(`${REPO_URL}@${digest}`);
  });
});
