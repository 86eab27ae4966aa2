import { ConfigError, defaultConfigInput, validateConfig, type Config, type ConfigInput } from "../../src/config";

/** A fresh, mutable copy of the repository's config input. */
export function configInput(): ConfigInput {
  return structuredClone(defaultConfigInput);
}

/** The repository's config with `change` applied, validated. */
export function configWith(change: (input: ConfigInput) => void = () => undefined): Config {
  const input = configInput();
  change(input);
  return validateConfig(input, {});
}

/** Calendar of the repository's config (always an array in tests). */
export function calendarOf(input: ConfigInput): NonNullable<ConfigInput["events"]["calendar"]> {
  input.events.calendar ??= [];
  return input.events.calendar;
}

/** Moves the event environments into an account of their own (510987654321), peered to prod cross-account. */
export function eventsInOwnAccount(input: ConfigInput): void {
  input.events.platform.account = "510987654321";
  input.events.platform.peering = { accepterRoleArn: "arn:aws:iam::210987654321:role/flashcrowd-peering-accepter" };
}

/** The problems validation reports for the repository's config with `change` applied, as `path: message`. */
export function problemsOf(change: (input: ConfigInput) => void): string[] {
  const input = configInput();
  change(input);
  try {
    validateConfig(input, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}
