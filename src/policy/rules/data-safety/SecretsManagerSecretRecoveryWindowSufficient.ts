import { literalRule } from "../../check";
import { asNumber } from "../../terraform";
import type { Rule } from "../../types";

/** A deleted secret can be restored for at least 7 days (0 deletes it at once). */
export const SecretsManagerSecretRecoveryWindowSufficient: Rule = literalRule(["aws_secretsmanager_secret"], {
  path: "recovery_window_in_days",
  want: "7 to 30",
  accept: (v) => {
    const days = asNumber(v);
    return days !== undefined && days >= 7 && days <= 30;
  },
  providerDefault: 30,
});
