import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { OffHours, type OffHoursNodeGroup } from "../../../modules/compute/off-hours";
import { listOf, synthJson } from "../../helpers/synth";
import { ACCOUNT, REGION, moduleStack, statementsOf } from "../../helpers/stack";

function build(configure: (o: OffHours) => void) {
  const { stack } = moduleStack();
  const offHours = new OffHours(stack, "off-hours", {
    timeZone: "Asia/Seoul",
    stopCron: "cron(0 21 ? * MON-FRI *)",
    startCron: "cron(0 8 ? * MON-FRI *)",
  });
  configure(offHours);
  return stack;
}

interface Schedule {
  name: string;
  schedule_expression: string;
  schedule_expression_timezone: string;
  flexible_time_window: { mode: string };
  target: { arn: string; input: string; role_arn: string };
}
const schedules = (json: ReturnType<typeof synthJson>) =>
  Object.fromEntries((listOf(json, "aws_scheduler_schedule") as unknown as Schedule[]).map((s) => [s.name, s]));

const nodeGroup: OffHoursNodeGroup = { id: "system", clusterName: "flashcrowd-dev", nodeGroupName: "system", minSize: 1, maxSize: 3, desiredSize: 2 };

describe("OffHours", () => {
  it("stops and starts an Aurora cluster with the scheduler's RDS SDK targets, in the configured time zone", () => {
    const all = schedules(synthJson(build((o) => o.addAuroraCluster("flashcrowd-dev-db"))));
    expect(all["flashcrowd-test-off-hours-stop-flashcrowd-dev-db"]).toMatchObject({
      schedule_expression: "cron(0 21 ? * MON-FRI *)",
      schedule_expression_timezone: "Asia/Seoul",
      flexible_time_window: { mode: "OFF" },
      target: { arn: "arn:aws:scheduler:::aws-sdk:rds:stopDBCluster", input: JSON.stringify({ DbClusterIdentifier: "flashcrowd-dev-db" }) },
    });
    expect(all["flashcrowd-test-off-hours-start-flashcrowd-dev-db"]).toMatchObject({
      schedule_expression: "cron(0 8 ? * MON-FRI *)",
      target: { arn: "arn:aws:scheduler:::aws-sdk:rds:startDBCluster" },
    });
  });

  it("scales a node group to zero and back to its sizes with eks:updateNodegroupConfig", () => {
    const all = schedules(synthJson(build((o) => o.addEksNodeGroup(nodeGroup))));
    const input = (name: string) => JSON.parse(all[name]!.target.input);
    expect(all["flashcrowd-test-off-hours-stop-system"]!.target.arn).toBe("arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig");
    expect(input("flashcrowd-test-off-hours-stop-system")).toEqual({ ClusterName: "flashcrowd-dev", NodegroupName: "system", ScalingConfig: { MinSize: 0, MaxSize: 3, DesiredSize: 0 } });
    expect(input("flashcrowd-test-off-hours-start-system")).toEqual({ ClusterName: "flashcrowd-dev", NodegroupName: "system", ScalingConfig: { MinSize: 1, MaxSize: 3, DesiredSize: 2 } });
  });

  it("lets the scheduler role, assumable by this account's scheduler only, call exactly those actions on exactly those resources", () => {
    const json = synthJson(build((o) => {
      o.addAuroraCluster("flashcrowd-dev-db");
      o.addEksNodeGroup(nodeGroup);
    }));
    expect(statementsOf(json, "aws_iam_role", "assume_role_policy")).toEqual([
      expect.objectContaining({ Principal: { Service: "scheduler.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
    ]);
    expect(statementsOf(json, "aws_iam_role_policy")).toEqual([
      expect.objectContaining({ Action: ["rds:StopDBCluster", "rds:StartDBCluster"], Resource: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:flashcrowd-dev-db` }),
      expect.objectContaining({ Action: "eks:UpdateNodegroupConfig", Resource: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/flashcrowd-dev/system/*` }),
    ]);
    expect(listOf(json, "aws_scheduler_schedule")).toHaveLength(4);
    expect(listOf(json, "aws_scheduler_schedule_group")).toHaveLength(1);
  });

  it("fails synthesis when it has nothing to stop", () => {
    expect(() => Testing.synth(build(() => undefined), true)).toThrow(/nothing to stop/);
  });

  it("rejects node-group sizes that cannot be restored", () => {
    expect(() => build((o) => o.addEksNodeGroup({ ...nodeGroup, maxSize: 0, desiredSize: 0, minSize: 0 }))).toThrow(/maxSize >= 1/);
  });
});
