import { compliant, nonCompliant, notApplicable } from "../../check";
import { isExpression, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";
import { LISTENER_TYPES } from "./load-balancers";

/** ELB security policies that allow only TLS 1.2 and 1.3. */
export const MODERN_SSL_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;
const PROVIDER_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08";

/** HTTPS and TLS listeners negotiate only TLS 1.2 or newer. */
export const LbListenerTlsPolicyModern: Rule = (json) =>
  resourcesOf(json, ...LISTENER_TYPES).map((listener) => {
    const protocol = listener.config.protocol;
    if (protocol !== "HTTPS" && protocol !== "TLS") return notApplicable(listener, `protocol ${show(protocol ?? "HTTP")} does not terminate TLS`);
    const policy = listener.config.ssl_policy;
    if (policy === undefined) return nonCompliant(listener, `ssl_policy is not set (default ${PROVIDER_DEFAULT_POLICY} allows TLS 1.0)`);
    if (isExpression(policy)) return nonCompliant(listener, `ssl_policy is ${show(policy)}, known only at apply time`);
    return typeof policy === "string" && MODERN_SSL_POLICY.test(policy)
      ? compliant(listener, `ssl_policy ${policy}`)
      : nonCompliant(listener, `ssl_policy ${show(policy)} allows TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06`);
  });
