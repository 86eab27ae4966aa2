import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ChartRelease } from "../../../modules/k8s/chart-release";
import { MANIFESTS_CHART_DIR, ManifestsRelease } from "../../../modules/k8s/manifests-release";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { releasesOf, synthJson } from "../../helpers/synth";

const object = (name: string) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name, namespace: "apps" }, spec: { size: 1 } });

function setup() {
  const { stack, connection } = k8sTestStack();
  const crds = new ChartRelease(stack, "crds", { name: "widget-crds", namespace: "kube-system", source: { repository: "https://charts.example.com", chart: "widget-crds" }, version: "1.0.0", values: {}, provider: connection.helm });
  return { stack, connection, crds };
}

describe("ManifestsRelease", () => {
  it("renders its objects as the manifests value of the shipped chart, after the CRD release", () => {
    const { stack, connection, crds } = setup();
    const release = new ManifestsRelease(stack, "widgets", { name: "widgets", namespace: "kube-system", manifests: [object("a")], dependsOn: [crds.release], provider: connection.helm });
    release.add(object("b"));
    const r = releasesOf(synthJson(stack)).widgets!;
    expect(r.values).toEqual({ manifests: [object("a"), object("b")] });
    expect(r.chart).toMatch(/^\.\/assets\/k8s-manifests-chart\/[0-9A-F]{32}$/);
    expect(r.version).toBeUndefined();
    expect(r.config.depends_on).toEqual([`helm_release.${releasesOf(synthJson(stack))["widget-crds"]!.id}`]);
  });

  it("ships one copy of the chart per stack", () => {
    const { stack, crds } = setup();
    const a = new ManifestsRelease(stack, "a", { name: "a", namespace: "x", manifests: [object("a")], dependsOn: [crds.release] });
    const b = new ManifestsRelease(stack, "b", { name: "b", namespace: "x", manifests: [object("b")], dependsOn: [crds.release] });
    expect(a.chartRelease.release.chartInput).toBe(b.chartRelease.release.chartInput);
  });

  it("refuses to be installed without a dependency on the CRDs", () => {
    const { stack } = setup();
    expect(() => new ManifestsRelease(stack, "w", { name: "w", namespace: "x", dependsOn: [] })).toThrow(/dependsOn is empty/);
  });

  it("refuses incomplete and duplicate objects", () => {
    const { stack, crds } = setup();
    const release = new ManifestsRelease(stack, "w", { name: "w", namespace: "x", manifests: [object("a")], dependsOn: [crds.release] });
    expect(() => release.add(object("a"))).toThrow(/Widget "a" is added twice/);
    expect(() => release.add({ apiVersion: "v1", kind: "", metadata: { name: "x" } })).toThrow(/needs apiVersion, kind and metadata.name/);
  });
});

describe("the manifests chart", () => {
  it("is a v2 application chart whose template renders each listed object as its own document", () => {
    expect(parseYaml(readFileSync(join(MANIFESTS_CHART_DIR, "Chart.yaml"), "utf8"))).toEqual(expect.objectContaining({ apiVersion: "v2", name: "manifests", type: "application", version: "1.0.0" }));
    expect(parseYaml(readFileSync(join(MANIFESTS_CHART_DIR, "values.yaml"), "utf8"))).toEqual({ manifests: [] });
    expect(readFileSync(join(MANIFESTS_CHART_DIR, "templates", "manifests.yaml"), "utf8")).toBe("{{- range .Values.manifests }}\n---\n{{ toYaml . }}\n{{- end }}\n");
  });
});
