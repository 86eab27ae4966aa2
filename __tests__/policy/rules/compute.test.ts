import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { EksCluster, type EksClusterConfig } from "@cdktf/provider-aws/lib/eks-cluster";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import type { TerraformStack } from "cdktf";
import { describe, it } from "vitest";
import { expectCase, type RuleCase } from "../helpers";

describe("EC2-IMDSV2", () => {
  it.each<RuleCase>([
    { name: "instance without metadata_options", build: (s) => new Instance(s, "vm", { ami: "ami-1", instanceType: "t3.micro" }), address: "aws_instance.vm", status: "non_compliant", message: /not set/ },
    { name: "launch template with http_tokens optional", build: (s) => new LaunchTemplate(s, "lt", { metadataOptions: { httpTokens: "optional" } }), address: "aws_launch_template.lt", status: "non_compliant", message: /must be "required"/ },
    { name: "launch template requiring tokens", build: (s) => new LaunchTemplate(s, "lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }), address: "aws_launch_template.lt", status: "compliant" },
    { name: "instance with the endpoint disabled", build: (s) => new Instance(s, "vm", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: { httpEndpoint: "disabled" } }), address: "aws_instance.vm", status: "compliant" },
  ])("$name: $status", (c) => expectCase("EC2-IMDSV2", c));
});

const eks = (s: TerraformStack, extra: Partial<EksClusterConfig> = {}, vpcConfig: Partial<EksClusterConfig["vpcConfig"]> = {}) =>
  new EksCluster(s, "eks", { name: "eks", roleArn: "arn:aws:iam::210987654321:role/eks", ...extra, vpcConfig: { subnetIds: ["subnet-1", "subnet-2"], ...vpcConfig } });

describe("EKS-ENDPOINT-RESTRICTED", () => {
  it.each<RuleCase>([
    { name: "endpoint settings absent (public to the world by default)", build: (s) => eks(s), address: "aws_eks_cluster.eks", status: "non_compliant", message: /default 0\.0\.0\.0\/0/ },
    { name: "public to 0.0.0.0/0 explicitly", build: (s) => eks(s, {}, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }), address: "aws_eks_cluster.eks", status: "non_compliant" },
    { name: "public to listed CIDRs", build: (s) => eks(s, {}, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }), address: "aws_eks_cluster.eks", status: "compliant" },
    { name: "private endpoint only", build: (s) => eks(s, {}, { endpointPublicAccess: false, endpointPrivateAccess: true }), address: "aws_eks_cluster.eks", status: "compliant" },
  ])("$name: $status", (c) => expectCase("EKS-ENDPOINT-RESTRICTED", c));
});

describe("EKS-CONTROL-PLANE-LOGS", () => {
  it.each<RuleCase>([
    { name: "no log types", build: (s) => eks(s), address: "aws_eks_cluster.eks", status: "non_compliant", message: /not set/ },
    { name: "some log types", build: (s) => eks(s, { enabledClusterLogTypes: ["api", "audit"] }), address: "aws_eks_cluster.eks", status: "non_compliant", message: /lacks authenticator, controllerManager, scheduler/ },
    { name: "all log types", build: (s) => eks(s, { enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] }), address: "aws_eks_cluster.eks", status: "compliant" },
  ])("$name: $status", (c) => expectCase("EKS-CONTROL-PLANE-LOGS", c));
});

describe("EKS-SECRETS-ENCRYPTED", () => {
  it.each<RuleCase>([
    { name: "no encryption_config", build: (s) => eks(s), address: "aws_eks_cluster.eks", status: "non_compliant" },
    { name: "encryption_config without secrets", build: (s) => eks(s, { encryptionConfig: { resources: [], provider: { keyArn: "arn:aws:kms:ap-northeast-2:210987654321:key/1" } } }), address: "aws_eks_cluster.eks", status: "non_compliant" },
    { name: "secrets encrypted with a key", build: (s) => eks(s, { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:ap-northeast-2:210987654321:key/1" } } }), address: "aws_eks_cluster.eks", status: "compliant" },
  ])("$name: $status", (c) => expectCase("EKS-SECRETS-ENCRYPTED", c));
});

const GOOD_CONTAINER = {
  name: "web",
  image: "web:1",
  readonlyRootFilesystem: true,
  environment: [{ name: "LOG_LEVEL", value: "info" }],
  secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:db" }],
  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/web" } },
};
const task = (s: TerraformStack, container: Record<string, unknown>) =>
  new EcsTaskDefinition(s, "task", { family: "web", containerDefinitions: JSON.stringify([container]) });

describe("ECS-NO-PLAINTEXT-SECRETS", () => {
  it.each<RuleCase>([
    { name: "a password in plain environment", build: (s) => task(s, { ...GOOD_CONTAINER, environment: [{ name: "DB_PASSWORD", value: "hunter2" }] }), address: "aws_ecs_task_definition.task", status: "non_compliant", message: /web sets DB_PASSWORD/ },
    { name: "credentials passed as secrets", build: (s) => task(s, GOOD_CONTAINER), address: "aws_ecs_task_definition.task", status: "compliant" },
    { name: "container definitions as an expression", build: (s) => new EcsTaskDefinition(s, "task", { family: "web", containerDefinitions: "${var.containers}" }), address: "aws_ecs_task_definition.task", status: "non_compliant", message: /known only at apply time/ },
  ])("$name: $status", (c) => expectCase("ECS-NO-PLAINTEXT-SECRETS", c));
});

describe("ECS-LOGGING", () => {
  it.each<RuleCase>([
    { name: "a container without logConfiguration", build: (s) => task(s, { ...GOOD_CONTAINER, logConfiguration: undefined }), address: "aws_ecs_task_definition.task", status: "non_compliant", message: /web/ },
    { name: "every container logs", build: (s) => task(s, GOOD_CONTAINER), address: "aws_ecs_task_definition.task", status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECS-LOGGING", c));
});

describe("ECS-NOT-PRIVILEGED", () => {
  it.each<RuleCase>([
    { name: "a privileged container", build: (s) => task(s, { ...GOOD_CONTAINER, privileged: true }), address: "aws_ecs_task_definition.task", status: "non_compliant" },
    { name: "privileged absent (default false)", build: (s) => task(s, GOOD_CONTAINER), address: "aws_ecs_task_definition.task", status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECS-NOT-PRIVILEGED", c));
});

describe("ECS-READONLY-ROOT-FS", () => {
  it.each<RuleCase>([
    { name: "readonlyRootFilesystem absent (default false)", build: (s) => task(s, { ...GOOD_CONTAINER, readonlyRootFilesystem: undefined }), address: "aws_ecs_task_definition.task", status: "non_compliant" },
    { name: "readonlyRootFilesystem false", build: (s) => task(s, { ...GOOD_CONTAINER, readonlyRootFilesystem: false }), address: "aws_ecs_task_definition.task", status: "non_compliant" },
    { name: "read-only root", build: (s) => task(s, GOOD_CONTAINER), address: "aws_ecs_task_definition.task", status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECS-READONLY-ROOT-FS", c));
});

describe("ECS-NO-PUBLIC-IP", () => {
  const service = (s: TerraformStack, assignPublicIp?: boolean) =>
    new EcsService(s, "svc", { name: "web", taskDefinition: "web:1", networkConfiguration: { subnets: ["subnet-1"], assignPublicIp } });
  it.each<RuleCase>([
    { name: "assign_public_ip true", build: (s) => service(s, true), address: "aws_ecs_service.svc", status: "non_compliant" },
    { name: "assign_public_ip absent (default false)", build: (s) => service(s), address: "aws_ecs_service.svc", status: "compliant" },
    { name: "assign_public_ip false", build: (s) => service(s, false), address: "aws_ecs_service.svc", status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECS-NO-PUBLIC-IP", c));
});

describe("ECS-CONTAINER-INSIGHTS", () => {
  it.each<RuleCase>([
    { name: "no setting (default disabled)", build: (s) => new EcsCluster(s, "cluster", { name: "c" }), address: "aws_ecs_cluster.cluster", status: "non_compliant" },
    { name: "disabled", build: (s) => new EcsCluster(s, "cluster", { name: "c", setting: [{ name: "containerInsights", value: "disabled" }] }), address: "aws_ecs_cluster.cluster", status: "non_compliant" },
    { name: "enhanced", build: (s) => new EcsCluster(s, "cluster", { name: "c", setting: [{ name: "containerInsights", value: "enhanced" }] }), address: "aws_ecs_cluster.cluster", status: "compliant" },
  ])("$name: $status", (c) => expectCase("ECS-CONTAINER-INSIGHTS", c));
});
