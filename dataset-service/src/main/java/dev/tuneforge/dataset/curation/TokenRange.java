package dev.tuneforge.dataset.curation;

/**
 * What is known about a text's token count without counting: {@code lower <= count <= upper}.
 *
 * @param lower a count the text cannot go below; 0 when nothing is known
 * @param upper a count the text cannot exceed; {@link Integer#MAX_VALUE} when nothing is known
 */
public record TokenRange(int lower, int upper) {

  /** Nothing known: the text must be counted to decide anything. */
  public static final TokenRange UNKNOWN = new TokenRange(0, Integer.MAX_VALUE);

  public TokenRange {
    if (lower < 0 || upper < lower) {
      throw new IllegalArgumentException("not a range: [" + lower + ", " + upper + "]");
    }
  }

  /**
   * The range of a record whose count is the sum of its turns' counts (saturating at MAX_VALUE).
   */
  public TokenRange plus(TokenRange other) {
    long up = (long) upper + other.upper;
    long low = (long) lower + other.lower;
    return new TokenRange(
        (int) Math.min(low, Integer.MAX_VALUE), (int) Math.min(up, Integer.MAX_VALUE));
  }
}
