package dev.tuneforge.dataset.validation;

/** Why a line of an upload is not a usable record. Reported per line and counted per kind. */
public enum ErrorKind {
  INVALID_JSON,
  INVALID_UTF8,
  LINE_TOO_LONG,
  /** The last line has no newline and is not complete JSON: the upload was most likely cut off. */
  TRUNCATED_LINE,
  /** The line contains NUL bytes: a binary file, not JSONL text. */
  BINARY_CONTENT,
  UNKNOWN_ROLE,
  EMPTY_CONTENT,
  NO_ASSISTANT_TURN,
  WRONG_TYPE,
  /** A JSON object with none of the known shapes' keys. */
  UNKNOWN_FORMAT,
  /** A record of another shape than the one the file started with. */
  MIXED_FORMAT,
  /** The file holds no record at all (zero bytes or blank lines only); reported on line 0. */
  EMPTY_FILE
}
