import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createNotifyHandler, formatNotification, type NotifyRequest } from "../../../src/lifecycle/handlers/notify";
import { secretReader } from "../../../src/lifecycle/handlers/runtime";
import { createSmokeCheckHandler } from "../../../src/lifecycle/handlers/smoke-check";
import { lifecycleInput } from "../../../src/lifecycle/input";
import { configWith } from "../../helpers/config";

const event = lifecycleInput(configWith(), configWith().events.calendar[0]!, "down").event;

describe("smoke check", () => {
  const check = (status: number | Error) =>
    createSmokeCheckHandler({
      fetch: async () => {
        if (status instanceof Error) throw status;
        return new Response("ok", { status });
      },
      now: () => 0,
      timeoutMs: 1_000,
    });

  it("passes on 200", async () => {
    expect(await check(200)({ url: event.smokeCheckUrl })).toEqual({ status: 200, milliseconds: 0 });
  });

  it.each([503, 404])("fails with SmokeCheckFailed on %i, for the state machine to retry", async (status) => {
    await expect(check(status)({ url: event.smokeCheckUrl })).rejects.toMatchObject({ name: "SmokeCheckFailed", message: expect.stringContaining(`answered ${status}`) });
  });

  it("fails with SmokeCheckFailed when nothing answers", async () => {
    await expect(check(new TypeError("fetch failed"))({ url: event.smokeCheckUrl })).rejects.toMatchObject({ name: "SmokeCheckFailed" });
  });
});

describe("notifications", () => {
  const snsMock = mockClient(SNSClient);
  const smMock = mockClient(SecretsManagerClient);
  const posts: { url: string; body: string }[] = [];
  let slackStatus = 200;
  const handler = () =>
    createNotifyHandler({
      env: { SLACK_WEBHOOK_SECRET_ARN: "slack-secret", ALERT_TOPIC_ARN: "arn:aws:sns:ap-northeast-2:210987654321:alerts" },
      sns: new SNSClient({}),
      readSecret: secretReader(new SecretsManagerClient({})),
      fetch: async (url, init) => {
        posts.push({ url: String(url), body: String(init?.body) });
        return new Response("ok", { status: slackStatus });
      },
    });
  const notVerified: NotifyRequest = { kind: "not-verified", action: "down", event, verification: { reasons: ["CDCLatencyTarget is 40 s (at most 5 s allowed)"] }, attempt: 2, maxAttempts: 16, nextCheckSeconds: 900 };

  beforeEach(() => {
    snsMock.reset();
    smMock.reset();
    smMock.on(GetSecretValueCommand).resolves({ SecretString: "https://hooks.slack.example/services/T/B/X" });
    posts.length = 0;
    slackStatus = 200;
  });

  it("posts to the Slack webhook from Secrets Manager and alerts SNS for a warning", async () => {
    expect(await handler()(notVerified)).toEqual({ sent: ["slack", "sns"] });
    expect(posts[0]?.url).toBe("https://hooks.slack.example/services/T/B/X");
    expect(JSON.parse(posts[0]!.body).text).toContain("CDCLatencyTarget is 40 s");
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      TopicArn: "arn:aws:sns:ap-northeast-2:210987654321:alerts",
      Subject: "Christmas mega sale: teardown waits, data not verified (2/16)",
    });
  });

  it("sends success only to Slack", async () => {
    expect(await handler()({ kind: "torn-down", action: "down", event })).toEqual({ sent: ["slack"] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("marks a Slack outage as transient", async () => {
    slackStatus = 503;
    await expect(handler()(notVerified)).rejects.toMatchObject({ name: "TransientError" });
  });

  it("says a failed teardown did not destroy the environment when it stopped before the destroy run", () => {
    const n = formatNotification({ kind: "failed", action: "down", event, failure: { step: "DataNotVerified", Error: "DataNotVerified", Cause: "3 tables pending" } });
    expect(n.level).toBe("error");
    expect(n.text).toContain("The environment was NOT destroyed.");
    expect(n.text).toContain("npx flashcrowd tfc run event-xmas-mega-sale --destroy --auto-apply");
  });

  it("does not claim the environment survived a failure of the destroy run itself", () => {
    const n = formatNotification({ kind: "failed", action: "down", event, failure: { step: "DestroyRunFailed", Error: "DestroyRunFailed", Cause: "run errored" } });
    expect(n.text).not.toContain("NOT destroyed");
  });

  it("asks a person to act on a run that waits, with the run's advice, on Slack and SNS", async () => {
    const advice = "the workspace is locked by user-alice: unlock it (Settings > Locking) or wait for whoever holds it; run-abc starts then";
    const waiting: NotifyRequest = { kind: "run-waiting", action: "down", event, run: { runId: "run-abc", status: "pending", waiting: { reason: "locked", advice } } };
    expect(await handler()(waiting)).toEqual({ sent: ["slack", "sns"] });
    expect(JSON.parse(posts[0]!.body).text).toContain(advice);
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe("Christmas mega sale: teardown run needs a person (locked)");
  });

  it.each(["StartDestroyRun", "DestroyRunStatus", "PollDestroyRun", "DestroyRunFailed", "DestroyRunTimedOut", "NotifyDestroyRunWaiting"])(
    "says deletion protection is OFF after a teardown failed at %s",
    (step) => {
      const n = formatNotification({ kind: "failed", action: "down", event, failure: { step, Error: "States.TaskFailed", Cause: "x" } });
      expect(n.text).toContain("deletion protection is OFF");
      expect(n.text).not.toContain("NOT destroyed");
    },
  );

  it.each(["Reconcile", "SnapshotVerifiedData", "CheckFinalSnapshot"])("does not claim deletion protection is off after a failure at %s", (step) => {
    const n = formatNotification({ kind: "failed", action: "down", event, failure: { step, Error: "States.TaskFailed", Cause: "x" } });
    expect(n.text).not.toContain("deletion protection is OFF");
  });
});
