/** The content hash a new snapshot gets (`datasets.content_hash_version`). */
export const CONTENT_HASH_VERSION = 2;

/** What each version of the content hash covers, in the words the dataset card uses. */
export const contentHashCovers: Record<number, string> = {
  1: "The SHA-256 of the snapshot's frozen items and annotations (a snapshot made before the hash covered the options, the template and the formats: two such snapshots that differ only in their options can share it).",
  2: "The SHA-256 of the snapshot's options, its review template's questions and every line it froze: each item with its consensus and split, each row of every export format, and each annotation. It changes whenever the bytes of any export could change.",
};
