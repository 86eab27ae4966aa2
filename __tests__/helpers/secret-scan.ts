import { parse as parseYaml } from "yaml";

/** One secret-looking value: where it is and why it looks like a secret. */
export interface SecretFinding {
  readonly path: string;
  readonly reason: string;
}

/** Shapes of real credentials, wherever they appear. */
const VALUE_PATTERNS: [RegExp, string][] = [
  [/hooks\.slack\.com\/(services|workflows|triggers)\//i, "Slack webhook URL"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "AWS access key id"],
  [/\bxox[abprs]-[0-9A-Za-z-]{10,}/, "Slack token"],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/, "GitHub token"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "GitLab token"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "JSON web token"],
  [/:\/\/[^/\s:@]+:[^/\s@]+@/, "URL with embedded credentials"],
];

/** Keys whose literal (non-reference) value would be a secret; camelCase keys are matched as snake_case. */
const SECRET_KEY = /^(.*[_-])?(password|passwd|pwd|token|api[_-]?key|secret[_-]?(key|value|string|access[_-]?key)?|private[_-]?key|client[_-]?secret|webhook[_-]?url|api[_-]?url|auth[_-]?token|bearer)$/i;

/** Keys that match {@link SECRET_KEY} but hold names of secrets, not secrets. */
const NOT_SECRETS = new Set([
  // External Secrets: the key in the target Kubernetes secret.
  "secretKey",
  // Helm charts: the name of a Kubernetes secret to read credentials from.
  "existingSecret",
]);

/** A Terraform reference or a cdktf-resolved expression: a pointer to a value, not a value. */
const REFERENCE = /^\$\{[^}]+\}$/;

/**
 * Walks a synthesized stack (or any JSON) for secret-looking values: credential shapes anywhere in
 * any string, and literal values under password/token/webhook-like keys, including inside Helm
 * values documents (parsed from YAML).
 */
export function findSecrets(value: unknown, path = "$"): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (v: unknown, p: string, key?: string) => {
    if (typeof v === "string") {
      for (const [pattern, reason] of VALUE_PATTERNS) if (pattern.test(v)) findings.push({ path: p, reason });
      if (key !== undefined && SECRET_KEY.test(snakeCase(key)) && !NOT_SECRETS.has(key) && v !== "" && !REFERENCE.test(v.trim())) {
        findings.push({ path: p, reason: `literal value under "${key}"` });
      }
      if (looksLikeYamlDocument(v)) {
        let parsed: unknown;
        try {
          parsed = parseYaml(v);
        } catch {
          parsed = undefined;
        }
        if (parsed !== null && typeof parsed === "object") visit(parsed, `${p}<yaml>`);
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${p}[${i}]`, key));
      return;
    }
    if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        // cdktf's "//" blocks are comments Terraform ignores: construct paths, the names of
        // overridden attributes, policy suppressions. Credential shapes are still looked for there.
        if (k === "//") {
          for (const s of JSON.stringify(child).match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
            for (const [pattern, reason] of VALUE_PATTERNS) if (pattern.test(s)) findings.push({ path: `${p}.//`, reason });
          }
          continue;
        }
        visit(child, `${p}.${k}`, k);
      }
    }
  };
  visit(value, path);
  return findings;
}

function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function looksLikeYamlDocument(s: string): boolean {
  return s.includes("\n") && /^[A-Za-z0-9_"'-][^\n]*:/m.test(s);
}
