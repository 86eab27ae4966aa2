import { readdirSync } from "node:fs";
import { create } from "tar";

/**
 * A tar.gz of a synthesized stack folder (`cdk.tf.json` and its `assets/`), entries relative to
 * the folder as Terraform Cloud expects. `portable` leaves out owner ids and other local details.
 */
export async function packDirectory(dir: string): Promise<Buffer> {
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) throw new Error(`${dir} is empty; synthesize the stack first`);
  const chunks: Buffer[] = [];
  for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, entries)) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
