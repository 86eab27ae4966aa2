/**
 * Building blocks of rules: results, and the common "this attribute must be this literal" check
 * with the pack's strictness (an absent attribute is judged by the provider's default; an
 * expression where a literal is required cannot be checked, so it is a violation).
 */
import { attribute, isExpression, resourcesOf, show, type TfResource } from "./terraform";
import type { Rule, RuleResult } from "./types";

export function compliant(resource: TfResource, message: string): RuleResult {
  return { address: resource.address, status: "compliant", message };
}

export function nonCompliant(resource: TfResource, message: string): RuleResult {
  return { address: resource.address, status: "non_compliant", message };
}

export function notApplicable(resource: TfResource, message: string): RuleResult {
  return { address: resource.address, status: "not_applicable", message };
}

export interface LiteralExpectation {
  /** Attribute path, e.g. `storage_encrypted` or `vpc_config.endpoint_public_access`. */
  readonly path: string;
  /** What is wanted, for messages: `true`, `between 7 and 35`. */
  readonly want: string;
  /** Whether a literal value is acceptable. */
  readonly accept: (value: unknown) => boolean;
  /**
   * What the provider (or AWS) uses when the attribute is absent. Omitted: absence is a violation
   * (no safe default). Given: absence is judged by `accept(providerDefault)`.
   */
  readonly providerDefault?: unknown;
}

/** Checks one attribute of one resource against a literal expectation. */
export function expectLiteral(resource: TfResource, e: LiteralExpectation): RuleResult {
  const value = attribute(resource.config, e.path);
  if (value === undefined || value === null) {
    if ("providerDefault" in e && e.accept(e.providerDefault)) {
      return compliant(resource, `${e.path} is not set; the provider default ${show(e.providerDefault)} is safe`);
    }
    const fallback = "providerDefault" in e ? ` (provider default: ${show(e.providerDefault)})` : "";
    return nonCompliant(resource, `${e.path} is not set${fallback}; set it to ${e.want}`);
  }
  if (isExpression(value)) {
    return nonCompliant(
      resource,
      `${e.path} is ${show(value)}, known only at apply time; set it to ${e.want} as a literal so the policy can check it`,
    );
  }
  if (e.accept(value)) return compliant(resource, `${e.path} = ${show(value)}`);
  return nonCompliant(resource, `${e.path} = ${show(value)}; must be ${e.want}`);
}

/** A rule that applies one literal expectation to every resource of some types. */
export function literalRule(types: readonly string[], expectation: LiteralExpectation): Rule {
  return (json) => resourcesOf(json, ...types).map((r) => expectLiteral(r, expectation));
}

/** Expectation that an attribute is the literal `true`. */
export function mustBeTrue(path: string, providerDefault?: boolean): LiteralExpectation {
  const accept = (v: unknown) => v === true || v === "true";
  return providerDefault === undefined ? { path, want: "true", accept } : { path, want: "true", accept, providerDefault };
}

/** Expectation that an attribute is set to a non-empty value (a literal or a reference both count). */
export function mustBeSet(resource: TfResource, path: string, what: string): RuleResult {
  const value = attribute(resource.config, path);
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
    return nonCompliant(resource, `${path} is not set; ${what}`);
  }
  return compliant(resource, `${path} = ${show(value)}`);
}
