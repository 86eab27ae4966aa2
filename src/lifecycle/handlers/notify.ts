/**
 * Lambda: lifecycle notifications. Every message goes to Slack (incoming webhook URL kept in
 * Secrets Manager); warnings and failures also go to the alert SNS topic (email, paging).
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { notifyRequestSchema, parsePayload, type NotifyRequest } from "../contracts";
import { TransientError, classifyAwsError, requireEnv, secretReader } from "./runtime";

export type NotificationKind = "spun-up" | "torn-down" | "not-verified" | "run-waiting" | "failed";

export type { NotifyRequest } from "../contracts";

export interface Notification {
  readonly level: "info" | "warning" | "error";
  /** At most 100 characters (SNS subject limit). */
  readonly subject: string;
  readonly text: string;
}

export function formatNotification(r: NotifyRequest): Notification {
  const e = r.event;
  const owner = e.ownerChannel ? ` (cc ${e.ownerChannel})` : "";
  const subject = (s: string) => (s.length > 100 ? `${s.slice(0, 99)}…` : s);
  switch (r.kind) {
    case "spun-up":
      return {
        level: "info",
        subject: subject(`${e.name}: environment is up`),
        text: `${e.name} is up: ${e.workspace} applied (${r.run?.url ?? "run"}), post-apply step done, ${e.smokeCheckUrl} answers 200. The sale opens ${e.opensAt}.${owner}`,
      };
    case "torn-down":
      return {
        level: "info",
        subject: subject(`${e.name}: environment torn down`),
        text: `${e.name} is torn down: its data was verified in prod, DMS stopped, ${e.workspace} destroyed (${r.run?.url ?? "run"}), final snapshot ${e.finalSnapshotId} available.${owner}`,
      };
    case "not-verified": {
      const minutes = Math.round((r.nextCheckSeconds ?? 0) / 60);
      const reasons = (r.verification?.reasons ?? []).map((x) => `  - ${x}`).join("\n");
      return {
        level: "warning",
        subject: subject(`${e.name}: teardown waits, data not verified (${r.attempt}/${r.maxAttempts})`),
        text:
          `Teardown of ${e.name} is waiting: the event's data is not verified in prod yet (check ${r.attempt} of ${r.maxAttempts}). ` +
          `The environment stays up; next check in ${minutes} min.${owner}\n${reasons}`,
      };
    }
    case "run-waiting":
      return {
        level: "warning",
        subject: subject(`${e.name}: ${r.action === "up" ? "spin-up" : "teardown"} run needs a person (${r.run?.waiting?.reason ?? "waiting"})`),
        text:
          `The ${r.action === "up" ? "apply" : "destroy"} run of ${e.name} on ${e.workspace} cannot move on by itself: ${r.run?.waiting?.advice ?? r.run?.status ?? "unknown"}. ` +
          `The lifecycle keeps polling and goes on as soon as the run does.${owner}`,
      };
    case "failed": {
      const f = r.failure ?? {};
      const afterUnprotect = ["TurnOffDeletionProtection", "StartDestroyRun", "DestroyRunStatus", "PollDestroyRun", "DestroyRunFailed", "DestroyRunTimedOut", "NotifyDestroyRunWaiting"].includes(f.step ?? "");
      const afterDestroy = ["CheckFinalSnapshot", "FinalSnapshotMissing"].includes(f.step ?? "");
      const notDestroyed = r.action === "down" && !afterUnprotect && !afterDestroy;
      return {
        level: "error",
        subject: subject(`${e.name}: ${r.action === "up" ? "spin-up" : "teardown"} failed at ${f.step ?? "unknown step"}`),
        text:
          `${r.action === "up" ? "Spin-up" : "Teardown"} of ${e.name} (${e.workspace}) failed at ${f.step ?? "an unknown step"}: ${f.Error ?? "error"}: ${f.Cause ?? "no details"}.` +
          (notDestroyed ? " The environment was NOT destroyed." : "") +
          (afterUnprotect ? " The data was verified and snapshotted, and the event database's deletion protection is OFF: finish the destroy or turn it back on." : "") +
          ` Fallback: the "event" workflow or \`npx flashcrowd tfc run ${e.stackId}${r.action === "down" ? " --destroy" : ""} --auto-apply\`.${owner}`,
      };
    }
  }
}

export interface NotifyDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly sns: SNSClient;
  readonly readSecret: (secretId: string) => Promise<string>;
  readonly fetch: typeof fetch;
}

export function createNotifyHandler(deps: NotifyDeps): (input: unknown) => Promise<{ sent: string[] }> {
  return async (input) => {
    const request = parsePayload(notifyRequestSchema, input, "notify");
    const n = formatNotification(request);
    const sent: string[] = [];
    const webhook = await deps.readSecret(requireEnv(deps.env, "SLACK_WEBHOOK_SECRET_ARN"));
    if (!/^https:\/\//.test(webhook)) throw new Error("the Slack webhook secret must hold an https:// URL");
    let response: Response;
    try {
      response = await deps.fetch(webhook, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: `${n.level === "error" ? ":rotating_light:" : n.level === "warning" ? ":warning:" : ":white_check_mark:"} ${n.text}` }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TransientError(`Slack webhook: no answer (${(error as Error).message})`);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 429 || response.status >= 500) throw new TransientError(`Slack webhook answered ${response.status}`);
    if (!response.ok) throw new Error(`Slack webhook answered ${response.status}; check the webhook secret`);
    sent.push("slack");
    if (n.level !== "info") {
      try {
        await deps.sns.send(
          new PublishCommand({
            TopicArn: requireEnv(deps.env, "ALERT_TOPIC_ARN"),
            Subject: n.subject,
            Message: n.text,
            MessageAttributes: { level: { DataType: "String", StringValue: n.level }, event: { DataType: "String", StringValue: request.event.slug } },
          }),
        );
      } catch (error) {
        classifyAwsError(error);
      }
      sent.push("sns");
    }
    return { sent };
  };
}

export const handler = createNotifyHandler({
  env: process.env,
  sns: new SNSClient({}),
  readSecret: secretReader(new SecretsManagerClient({})),
  fetch: globalThis.fetch,
});
