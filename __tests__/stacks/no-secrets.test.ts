import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { renderValues } from "../../modules/k8s/chart-release";
import { synthApp, synthAppWithAddons } from "../helpers/app";
import { findSecrets } from "../helpers/secret-scan";
import { fixtureConfig } from "../helpers/fixture-config";

const config = fixtureConfig();
const withAddons = synthAppWithAddons(config);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("no secret in the synthesized configuration", () => {
  it("covers every stack of the app, the add-ons stacks included", () => {
    expect([...withAddons.stacks.keys()].sort()).toEqual(["control", "dev", "dev-addons", "event-edge", "event-stadium-show-tickets", "event-xmas-mega-sale", "prod", "prod-addons", "tfc"]);
  });

  it.each([...withAddons.stacks.keys()])("%s holds no secret-looking value", (id) => {
    expect(findSecrets(withAddons.stacks.get(id), id)).toEqual([]);
  });

  it("no file written by the synthesis of the app as it is configured today holds one", () => {
    const outdir = synthApp(config);
    const findings = filesUnder(join(outdir, "stacks")).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return findSecrets(file.endsWith(".json") ? JSON.parse(text) : text, relative(outdir, file));
    });
    expect(findings).toEqual([]);
  });

  it("no shipped chart file of the add-ons stacks holds one", () => {
    const assets = [...withAddons.stacks.keys()].filter((id) => id.endsWith("-addons")).flatMap((id) => filesUnder(join(withAddons.outdir, "stacks", id, "assets")));
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.flatMap((file) => findSecrets(readFileSync(file, "utf8"), file))).toEqual([]);
  });
});

describe("the secret scanner", () => {
  const release = (values: unknown) => ({ resource: { helm_release: { r: { values: [renderValues(values)] } } } });

  it.each([
    ["a Slack webhook in Helm values", { config: { global: { slack_api_url_file: "/x", note: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" } } }, "Slack webhook URL"],
    ["a literal password in Helm values", { grafana: { adminPassword: "hunter2hunter2" } }, 'literal value under "adminPassword"'],
    ["a literal Slack API URL", { receivers: [{ slack_configs: [{ api_url: "https://example.com/hook" }] }] }, 'literal value under "api_url"'],
    ["a private key", { tls: { key: "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----" } }, "private key"],
    ["an AWS access key id", { env: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIAABCDEFGHIJKLMNOP" }] }, "AWS access key id"],
    ["a Git URL with credentials", { repoUrl: "https://deploy:s3cr3t@github.com/org/repo.git" }, "URL with embedded credentials"],
  ])("finds %s", (_, values, reason) => {
    expect(findSecrets(release(values)).map((f) => f.reason)).toContain(reason);
  });

  it("finds a literal token in a provider block", () => {
    expect(findSecrets({ provider: { kubernetes: [{ token: "k8s-aws-v1.abcdef" }] } })).toEqual([
      { path: "$.provider.kubernetes[0].token", reason: 'literal value under "token"' },
    ]);
  });

  it("accepts references, secret names and secret keys", () => {
    expect(
      findSecrets({
        provider: { helm: [{ kubernetes: { token: "${data.aws_eks_cluster_auth.auth.token}" } }] },
        ...release({ grafana: { admin: { existingSecret: "grafana-admin", passwordKey: "admin-password" } }, data: [{ secretKey: "webhook-url" }] }),
      }),
    ).toEqual([]);
  });
});
