import { compliant, nonCompliant, notApplicable } from "../../check";
import { attribute, blocks, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";
import { LISTENER_TYPES } from "./load-balancers";

/** A plain-HTTP listener only redirects to HTTPS; it never forwards traffic. */
export const LbListenerHttpRedirectsToHttps: Rule = (json) =>
  resourcesOf(json, ...LISTENER_TYPES).map((listener) => {
    const protocol = listener.config.protocol ?? "HTTP";
    if (protocol !== "HTTP") return notApplicable(listener, `protocol ${show(protocol)}`);
    const actions = blocks(listener.config.default_action);
    const bad = actions.filter((a) => a.type !== "redirect" || attribute(a, "redirect.protocol") !== "HTTPS");
    if (actions.length === 0) return nonCompliant(listener, "HTTP listener without a default_action");
    return bad.length > 0
      ? nonCompliant(listener, `HTTP listener default_action ${bad.map((a) => show(a.type)).join(", ")} is not a redirect to HTTPS`)
      : compliant(listener, "HTTP only redirects to HTTPS");
  });
