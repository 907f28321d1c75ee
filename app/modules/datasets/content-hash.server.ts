import { createHash, type Hash } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import { CONTENT_HASH_VERSION } from "./content-hash";

/**
 * The content hash of a snapshot as it is written (version 2): the options and the template's
 * questions first, then every line of `dataset_lines` in the order written, each framed by its
 * format and length, so that no two different snapshots give the same stream.
 */
export class ContentHash {
  private readonly hash: Hash = createHash("sha256");

  constructor(options: unknown, questions: unknown) {
    this.hash.update(`loupe dataset content v${CONTENT_HASH_VERSION}\n${canonicalJson({ options, questions })}\n`);
  }

  line(format: string, text: string): void {
    this.hash.update(`${format} ${text.length}\n`);
    this.hash.update(text);
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}
