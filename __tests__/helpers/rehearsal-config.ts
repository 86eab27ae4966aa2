/**
 * A configuration of its own for the lifecycle tests: the repository's platform settings with a
 * one-event calendar far in the future, so the tests never depend on the live calendar (an
 * operator removes past events from it) nor on today's date.
 */
import { defaultConfigInput, validateConfig, type Config } from "../../src/config";
import type { ConfigInput } from "../../src/config/schema";

export const REHEARSAL_SLUG = "rehearsal-sale";

export function rehearsalInput(): ConfigInput {
  const input = structuredClone(defaultConfigInput);
  input.events.calendar = [
    {
      slug: REHEARSAL_SLUG,
      name: "Rehearsal sale",
      opens: "2031-03-14T20:00",
      closes: "2031-03-15T02:00",
      timeZone: "Asia/Seoul",
      expectedPeakRps: 20000,
      cidr: "10.64.0.0/20",
      keyBlock: { first: 5_000_000_000_000, size: 1_000_000_000 },
      ownerChannel: "#sale-ops",
    },
  ];
  return input;
}

export function rehearsalConfig(): Config {
  return validateConfig(rehearsalInput(), {});
}
