package dev.tuneforge.dataset.curation;

/**
 * The length filter's limits, {@code [min_tokens, max_tokens]} (either may be absent), applied to
 * an exact count or to a {@link TokenRange}. A range decides only when all of it is on one side:
 * inside the limits (keep), or wholly below the minimum or above the maximum (drop).
 */
final class LengthLimits {

  /** What a range says about a record. */
  enum Verdict {
    KEEP,
    TOO_SHORT,
    TOO_LONG,
    UNDECIDED
  }

  private final Integer min;
  private final Integer max;

  LengthLimits(Integer min, Integer max) {
    this.min = min;
    this.max = max;
  }

  boolean enabled() {
    return min != null || max != null;
  }

  Verdict verdict(TokenRange range) {
    if (min != null && range.upper() < min) {
      return Verdict.TOO_SHORT;
    }
    if (max != null && range.lower() > max) {
      return Verdict.TOO_LONG;
    }
    boolean aboveMin = min == null || range.lower() >= min;
    boolean belowMax = max == null || range.upper() <= max;
    return aboveMin && belowMax ? Verdict.KEEP : Verdict.UNDECIDED;
  }

  /** Why a record of {@code count} tokens is dropped, or null when it is kept. */
  String reasonToDrop(int count) {
    if (min != null && count < min) {
      return count + " tokens < min_tokens " + min;
    }
    if (max != null && count > max) {
      return count + " tokens > max_tokens " + max;
    }
    return null;
  }

  /** Why a record with these bounds is dropped without counting, or null when it is kept. */
  String reasonToDrop(TokenRange range) {
    return switch (verdict(range)) {
      case TOO_SHORT ->
          "at most " + range.upper() + " tokens (bound, not counted) < min_tokens " + min;
      case TOO_LONG ->
          "at least " + range.lower() + " tokens (bound, not counted) > max_tokens " + max;
      case KEEP -> null;
      case UNDECIDED ->
          throw new IllegalStateException(
              "bounds " + range + " cannot decide: the record must be counted");
    };
  }
}
