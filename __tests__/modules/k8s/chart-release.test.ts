import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { Token } from "cdktf";
import { ChartRelease, renderValues } from "../../../modules/k8s/chart-release";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { listOf, synthJson } from "../../helpers/synth";

const source = { repository: "https://charts.example.com", chart: "demo" };

describe("renderValues", () => {
  it("double-quotes every string, so look-alike numbers and booleans stay strings", () => {
    const yaml = renderValues({ a: "true", b: "0755", c: 3, d: false });
    expect(yaml).toBe('a: "true"\nb: "0755"\nc: 3\nd: false\n');
    expect(parseYaml(yaml)).toEqual({ a: "true", b: "0755", c: 3, d: false });
  });

  it("never folds long lines or writes anchors for repeated objects", () => {
    const shared = { long: "word ".repeat(60).trim() };
    const yaml = renderValues({ one: shared, two: shared });
    expect(yaml).not.toMatch(/[&*]a1/);
    expect(yaml.split("\n").some((line) => line.length > 250)).toBe(true);
  });

  it("keeps cdktf tokens, which become Terraform references at synthesis", () => {
    const token = Token.asString({ ref: 1 });
    expect(renderValues({ arn: token })).toBe(`arn: "${token}"\n`);
  });

  it.each([["${var.secret}"], ["%{ if true }x%{ endif }"]])("refuses %s, which Terraform would evaluate", (text) => {
    expect(() => renderValues({ note: text }, "demo")).toThrow(/^demo: values contain "(\$|%)\{"/);
  });
});

describe("ChartRelease", () => {
  it("installs atomically with a pinned version, waiting, cleaning up and keeping ten revisions", () => {
    const { stack, connection } = k8sTestStack();
    new ChartRelease(stack, "demo", { name: "demo", namespace: "kube-system", source, version: "1.2.3", values: { replicas: 2 }, provider: connection.helm });
    expect(listOf(synthJson(stack), "helm_release")[0]).toEqual(
      expect.objectContaining({
        name: "demo",
        namespace: "kube-system",
        repository: "https://charts.example.com",
        chart: "demo",
        version: "1.2.3",
        values: ["replicas: 2\n"],
        atomic: true,
        wait: true,
        cleanup_on_fail: true,
        create_namespace: false,
        skip_crds: false,
        max_history: 10,
        timeout: 600,
      }),
    );
  });

  it.each([[undefined], ["1.2"], ["~1.2.3"], ["v1.2.3"], ["latest"]])("refuses a repository chart with version %s", (version) => {
    const { stack } = k8sTestStack();
    expect(() => new ChartRelease(stack, "demo", { name: "demo", namespace: "x", source, version, values: {} })).toThrow(/needs an exact version like "1.2.3"/);
  });

  it("refuses a release name Helm would reject", () => {
    const { stack } = k8sTestStack();
    expect(() => new ChartRelease(stack, "demo", { name: "x".repeat(54), namespace: "x", source, version: "1.0.0", values: {} })).toThrow(/longer than Helm's 53 characters/);
  });

  it("needs exactly one of a repository chart and a local chart", () => {
    const { stack } = k8sTestStack();
    expect(() => new ChartRelease(stack, "demo", { name: "demo", namespace: "x", values: {} })).toThrow(/exactly one of source/);
  });
});
