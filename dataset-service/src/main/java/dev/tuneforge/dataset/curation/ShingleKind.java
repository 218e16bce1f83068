package dev.tuneforge.dataset.curation;

/** The units near-duplicate detection compares: runs of words, or runs of characters. */
public enum ShingleKind {
  /** Word n-grams: robust to reflowed whitespace, blind to small edits inside words. */
  WORD,
  /** Character n-grams: catch typo-level edits, cost more shingles per record. */
  CHAR
}
