import { describe, expect, it } from "vitest";
import { Namespace } from "../../../modules/k8s/namespace";
import { k8sTestStack } from "../../helpers/k8s-stack";
import { listOf, synthJson } from "../../helpers/synth";

function labelsOf(props: Partial<ConstructorParameters<typeof Namespace>[2]> = {}) {
  const { stack, connection } = k8sTestStack();
  new Namespace(stack, "ns", { name: "storefront", podSecurity: "baseline", provider: connection.kubernetes, ...props });
  return (listOf(synthJson(stack), "kubernetes_namespace_v1")[0]!.metadata as { labels: Record<string, string> }).labels;
}

describe("Namespace", () => {
  it("enforces the given level and audits and warns at restricted, all on the latest standards", () => {
    expect(labelsOf()).toEqual({
      "app.kubernetes.io/managed-by": "terraform",
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
    });
  });

  it("takes an audit level, a standards version and extra labels", () => {
    expect(labelsOf({ auditLevel: "baseline", podSecurityVersion: "v1.33", labels: { team: "storefront" } })).toEqual(
      expect.objectContaining({ team: "storefront", "pod-security.kubernetes.io/audit": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.33" }),
    );
  });

  it("does not let extra labels override the pod security labels", () => {
    expect(labelsOf({ labels: { "pod-security.kubernetes.io/enforce": "privileged" } })["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });

  it("refuses a name that is not a DNS label", () => {
    const { stack } = k8sTestStack();
    expect(() => new Namespace(stack, "ns", { name: "Store_Front", podSecurity: "restricted" })).toThrow(/must be a DNS label/);
  });
});
