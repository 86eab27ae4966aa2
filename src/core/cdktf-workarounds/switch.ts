/** The one switch of the cdktf workarounds (see ./index.ts). */

/** `FLASHCROWD_CDKTF_WORKAROUNDS=off` runs cdktf's own behaviour instead of every workaround; `on` or unset keeps them. */
export const CDKTF_WORKAROUNDS_ENV = "FLASHCROWD_CDKTF_WORKAROUNDS";

let override: boolean | undefined;

/** Whether the workarounds are on: the value `setCdktfWorkarounds` set, else the environment's. */
export function cdktfWorkaroundsEnabled(): boolean {
  if (override !== undefined) return override;
  const value = process.env[CDKTF_WORKAROUNDS_ENV];
  if (value === undefined || value === "" || value === "on") return true;
  if (value === "off") return false;
  throw new Error(`${CDKTF_WORKAROUNDS_ENV} is "${value}"; set it to "off" (cdktf's own behaviour) or "on" (the default)`);
}

/**
 * Turns every workaround on or off, over the environment (tests compare both); `undefined` goes
 * back to the environment's setting. Returns the previous setting, for restoring it.
 */
export function setCdktfWorkarounds(on: boolean | undefined): boolean | undefined {
  const previous = override;
  override = on;
  return previous;
}
