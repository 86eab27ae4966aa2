/**
 * Policy statement ids from names: IAM and KMS accept only letters and digits in a Sid, so
 * `flashcrowd-prod-db` becomes `FlashcrowdProdDb`.
 */
export function sid(...parts: readonly string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

/** A construct id from free text (a rule description): lowercase words joined by '-', at most 48 characters. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  if (!s) throw new Error(`"${text}" has no letters or digits to build an id from`);
  return s;
}
