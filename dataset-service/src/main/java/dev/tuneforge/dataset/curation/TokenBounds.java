package dev.tuneforge.dataset.curation;

/**
 * Bounds on a {@link TokenCounter}'s counts that cost a pass over the characters instead of a run
 * of the tokenizer. The length filter uses them to keep or drop a record without counting when both
 * bounds fall on the same side of a limit; only records whose range straddles a limit are counted.
 * A bound must hold for every text: a wrong bound silently changes which records are kept.
 */
public interface TokenBounds {

  /** Bounds on {@code count(text)}; {@link TokenRange#UNKNOWN} when this text cannot be bounded. */
  TokenRange range(String text);

  /** False when {@link #range} never knows anything: then every record is counted. */
  boolean available();

  /** For the report: what the bounds are, or why there are none. */
  String description();

  /** No bounds, with the reason (shown in the report). */
  static TokenBounds none(String why) {
    return new TokenBounds() {
      @Override
      public TokenRange range(String text) {
        return TokenRange.UNKNOWN;
      }

      @Override
      public boolean available() {
        return false;
      }

      @Override
      public String description() {
        return why;
      }
    };
  }
}
