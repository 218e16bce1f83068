package dev.tuneforge.dataset.curation;

/** What curation does with a record that contains personal data or a secret. */
public enum PiiAction {
  /** No scan at all. */
  OFF,
  /** Replace each finding by a placeholder such as {@code [EMAIL]} and keep the record. */
  REDACT,
  /** Drop the whole record. */
  DROP
}
