package dev.tuneforge.dataset.record;

/**
 * The JSONL shapes an upload may use. A file uses exactly one of them; the validator detects which
 * from the first valid record and rejects records of any other shape.
 */
public enum DatasetFormat {
  /** {@code {"text": "..."}}: plain text, trained as one assistant turn. */
  TEXT("text"),
  /** {@code {"prompt": "...", "completion": "..."}}: OpenAI's legacy completion format. */
  PROMPT_COMPLETION("prompt/completion"),
  /** {@code {"messages": [{"role", "content", "weight"?}]}}: OpenAI chat format. */
  MESSAGES("messages"),
  /** {@code {"conversations": [{"from", "value"}]}}: ShareGPT. */
  SHAREGPT("sharegpt");

  private final String label;

  DatasetFormat(String label) {
    this.label = label;
  }

  /** The name used in reports and error messages. */
  public String label() {
    return label;
  }
}
