import { describe, expect, it } from "vitest";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Peer, Port } from "../../../modules/core/connections";
import { RolePrincipal } from "../../../modules/core/grant";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { AlbAlarms } from "../../../modules/observability/alb-alarms";
import { ApplicationLoadBalancer, DEFAULT_SSL_POLICY, elbLogDeliveryStatement, type ApplicationLoadBalancerProps } from "../../../modules/edge/application-load-balancer";
import { listOf, parseJsonAttribute, resourcesOf, synthJson, type TerraformJson } from "../../helpers/synth";
import { ACCOUNT, REGION, moduleStack, type PolicyJson } from "../../helpers/stack";

const SERVICES = [
  { name: "api", port: 8080, healthCheckPath: "/healthz", pathPatterns: ["/api/*"] },
  { name: "web", port: 3000, healthCheckPath: "/ready", pathPatterns: ["/*"] },
];

/** What every load balancer of these tests shares: where it runs and how CloudFront reaches it. */
function baseProps() {
  return {
    placement: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] },
    cloudFrontPrefixListId: "pl-22a6434b",
    certificateArn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/origin",
  };
}

function synthAlb(props: Partial<ApplicationLoadBalancerProps> = {}, grant = false, region = REGION): TerraformJson {
  const { stack } = moduleStack({ region });
  const logs = new S3Bucket(stack, "logs", { bucketName: "flashcrowd-test-logs", encryption: "s3-managed" });
  const alb = new ApplicationLoadBalancer(stack, "alb", {
    ...baseProps(),
    originVerifyHeader: { name: "X-Origin-Verify", value: "${sensitive(terraform_data.origin-verify.output)}" },
    services: SERVICES,
    accessLogsBucket: logs,
    ...props,
  });
  if (grant) alb.grantTargetRegistration(new RolePrincipal(new IamRole(stack, "controller", { name: "controller", assumeRolePolicy: "{}" })));
  return synthJson(stack);
}

const lb = (json: TerraformJson) => listOf(json, "aws_lb")[0]!;
const listener = (json: TerraformJson, port: number) => listOf(json, "aws_lb_listener").find((l) => l.port === port);

describe("ApplicationLoadBalancer defaults", () => {
  const json = synthAlb();

  it("admits only CloudFront's origin-facing prefix list: 443 in one group, 80 in another", () => {
    const ingress = listOf(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((r) => [r.from_port, r.to_port, r.prefix_list_id]).sort()).toEqual([
      [443, 443, "pl-22a6434b"],
      [80, 80, "pl-22a6434b"],
    ]);
    expect(ingress.every((r) => r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined)).toBe(true);
    expect(new Set(ingress.map((r) => r.security_group_id)).size).toBe(2);
    expect(lb(json).security_groups).toHaveLength(2);
  });

  it("sends nothing until its targets are linked through its connections", () => {
    expect(listOf(json, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });

  it("is internet-facing in the public subnets, drops invalid headers and is protected from deletion", () => {
    expect(lb(json)).toEqual(
      expect.objectContaining({
        internal: false,
        load_balancer_type: "application",
        subnets: ["subnet-pub-a", "subnet-pub-b"],
        drop_invalid_header_fields: true,
        enable_deletion_protection: true,
        idle_timeout: 60,
        name: "flashcrowd-test-alb",
      }),
    );
  });

  it("logs to the log bucket, which lets the regional ELB account write there, after the policy exists", () => {
    expect(lb(json).access_logs).toEqual({ bucket: expect.stringContaining("aws_s3_bucket.logs_bucket_"), prefix: "alb/alb", enabled: true });
    const [policyId] = Object.keys(resourcesOf(json, "aws_s3_bucket_policy"));
    expect(lb(json).depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`]);
    const statement = parseJsonAttribute<PolicyJson>(listOf(json, "aws_s3_bucket_policy")[0]!.policy).Statement.find((s) => s.Sid === "ElbAccessLogsAlb")!;
    expect(statement.Principal).toEqual({ AWS: "arn:aws:iam::600734575887:root" });
    expect(statement.Resource).toMatch(new RegExp(`/alb/alb/AWSLogs/${ACCOUNT}/\\*$`));
  });

  it("terminates TLS with a TLS 1.3 policy and answers 403 unless a rule matches", () => {
    const https = listener(json, 443)!;
    expect(https).toEqual(expect.objectContaining({ protocol: "HTTPS", ssl_policy: DEFAULT_SSL_POLICY, certificate_arn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/origin" }));
    expect(DEFAULT_SSL_POLICY).toMatch(/^ELBSecurityPolicy-TLS13-/);
    expect(https.default_action).toEqual([{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "403", message_body: "Forbidden" } }]);
  });

  it("forwards to a service only when the origin header matches and the path is the service's, in order", () => {
    const rules = listOf(json, "aws_lb_listener_rule").sort((a, b) => (a.priority as number) - (b.priority as number));
    expect(rules.map((r) => r.priority)).toEqual([10, 20]);
    expect(rules[0]!.condition).toEqual([
      { http_header: { http_header_name: "X-Origin-Verify", values: ["${sensitive(terraform_data.origin-verify.output)}"] } },
      { path_pattern: { values: ["/api/*"] } },
    ]);
    expect(rules[1]!.action).toEqual([{ type: "forward", target_group_arn: expect.stringContaining("aws_lb_target_group.alb_tg-web_") }]);
  });

  it("redirects HTTP to HTTPS", () => {
    expect(listener(json, 80)!.default_action).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }]);
  });

  it("creates an ip target group per service with its health check", () => {
    const groups = listOf(json, "aws_lb_target_group");
    expect(groups).toContainEqual(
      expect.objectContaining({
        name: "flashcrowd-test-tg-web",
        target_type: "ip",
        protocol: "HTTP",
        port: 3000,
        vpc_id: "vpc-1",
        deregistration_delay: "30",
        health_check: expect.objectContaining({ path: "/ready", port: "traffic-port", matcher: "200-399" }),
      }),
    );
    expect(groups.every((g) => (g.name as string).length <= 32)).toBe(true);
  });
});

describe("ApplicationLoadBalancer options", () => {
  it("lets a role register pods in its target groups only", () => {
    const json = synthAlb({}, true);
    const policy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy")[0]!.policy);
    const tgArns = Object.keys(resourcesOf(json, "aws_lb_target_group")).map((id) => `\${aws_lb_target_group.${id}.arn}`);
    expect(policy.Statement).toEqual([
      {
        Sid: "RegisterPodsInOwnTargetGroups",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: expect.arrayContaining(tgArns),
      },
    ]);
  });

  it("drops the HTTP listener and its security group when the redirect is off", () => {
    const json = synthAlb({ httpRedirect: false });
    expect(listener(json, 80)).toBeUndefined();
    expect(listOf(json, "aws_security_group")).toHaveLength(1);
    expect(listOf(json, "aws_vpc_security_group_ingress_rule").map((r) => r.from_port)).toEqual([443]);
  });

  it("takes deletion protection, idle timeout, TLS policy and log prefix from props", () => {
    const json = synthAlb({ deletionProtection: false, idleTimeoutSeconds: 120, sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06", accessLogsPrefix: "edge" });
    expect(lb(json)).toEqual(expect.objectContaining({ enable_deletion_protection: false, idle_timeout: 120 }));
    expect((lb(json).access_logs as Record<string, unknown>).prefix).toBe("edge");
    expect(listener(json, 443)!.ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  it("grants log delivery to the service principal in regions opened since August 2022", () => {
    const json = synthAlb({}, false, "ap-southeast-5");
    const statement = parseJsonAttribute<PolicyJson>(listOf(json, "aws_s3_bucket_policy")[0]!.policy).Statement.find((s) => s.Sid === "ElbAccessLogsAlb")!;
    expect(statement.Principal).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
  });

  it.each([
    [[], /at least one service is needed/],
    [[{ ...SERVICES[0]!, pathPatterns: ["/a", "/b", "/c", "/d", "/e"] }], /needs 1 to 4 path patterns/],
  ])("rejects services %j", (services, error) => {
    expect(() => synthAlb({ services })).toThrow(error);
  });
});

describe("ApplicationLoadBalancer metrics", () => {
  const { stack } = moduleStack();
  const alb = new ApplicationLoadBalancer(stack, "alb", { ...baseProps(), originVerifyHeader: { name: "X-Origin-Verify", value: "secret" }, services: SERVICES, accessLogsBucket: { bucketName: "logs" } });
  new AlbAlarms(stack, "alarms", { loadBalancer: alb, fiveXxPerMinute: 10, latencyP99Seconds: 2, topicArns: [] });
  const alarms = Object.fromEntries(listOf(synthJson(stack), "aws_cloudwatch_metric_alarm").map((a) => [a.alarm_name as string, a]));

  it("are the load balancer's, by its arn_suffix, and each target group's, by both", () => {
    expect(alarms["flashcrowd-test-alb-elb-5xx"]).toMatchObject({ namespace: "AWS/ApplicationELB", dimensions: { LoadBalancer: expect.stringMatching(/^\$\{aws_lb\.[^.]+\.arn_suffix\}$/) } });
    expect(Object.keys(alarms).filter((name) => name.includes("unhealthy")).sort()).toEqual(["flashcrowd-test-alb-unhealthy-api", "flashcrowd-test-alb-unhealthy-web"]);
    expect(alarms["flashcrowd-test-alb-unhealthy-web"]!.dimensions).toEqual({
      LoadBalancer: expect.stringMatching(/^\$\{aws_lb\.[^.]+\.arn_suffix\}$/),
      TargetGroup: expect.stringMatching(/^\$\{aws_lb_target_group\.[^.]*web[^.]*\.arn_suffix\}$/),
    });
  });

  it("refuses a target group it does not have", () => {
    expect(() => alb.metric("UnHealthyHostCount", "shop")).toThrow(/no target group "shop"; target groups are api, web/);
  });
});

describe("ApplicationLoadBalancer for ECS services and a permanent log bucket", () => {
  const { stack } = moduleStack();
  const alb = new ApplicationLoadBalancer(stack, "alb", {
    ...baseProps(),
    originVerifyHeader: { name: "X-Origin-Verify", value: "secret" },
    services: SERVICES,
    accessLogsBucket: { bucketName: "flashcrowd-event-edge-logs" },
    accessLogsPrefix: "alb/event-a",
  });
  alb.connections.allowTo(Peer.securityGroupId("sg-web-tasks"), Port.tcp(3000), { egress: { id: "to-web", description: "Requests and health checks to the web tasks" } });
  const json = synthJson(stack);

  it("sends only to the groups linked through its connections", () => {
    expect(listOf(json, "aws_vpc_security_group_egress_rule").map((r) => [r.from_port, r.referenced_security_group_id, r.description])).toEqual([
      [3000, "sg-web-tasks", "Requests and health checks to the web tasks"],
    ]);
  });

  it("logs to the bucket named, whose owner grants delivery: no policy or dependency here", () => {
    expect(lb(json).access_logs).toEqual({ bucket: "flashcrowd-event-edge-logs", prefix: "alb/event-a", enabled: true });
    expect(lb(json).depends_on).toBeUndefined();
    expect(listOf(json, "aws_s3_bucket_policy")).toEqual([]);
  });

  it("gives the bucket's owner the statement to grant, wildcards allowed in the prefix", () => {
    expect(elbLogDeliveryStatement({ sid: "EventAlbs", bucketArn: "arn:aws:s3:::logs", prefix: "alb/*", accountId: ACCOUNT, region: REGION })).toEqual({
      sid: "EventAlbs",
      principals: { type: "AWS", identifiers: ["arn:aws:iam::600734575887:root"] },
      actions: ["s3:PutObject"],
      resources: [`arn:aws:s3:::logs/alb/*/AWSLogs/${ACCOUNT}/*`],
    });
  });
});
