package dev.tuneforge.evaluator.suite;

/**
 * A string that throws once its deadline passes: java.util.regex reads its input only through
 * {@code charAt}, so a catastrophically backtracking pattern ends instead of hanging the worker.
 */
final class DeadlineCharSequence implements CharSequence {
  static final class Expired extends RuntimeException {
    Expired() {
      super(null, null, false, false);
    }
  }

  private final CharSequence text;
  private final long deadline;
  private int reads;

  DeadlineCharSequence(CharSequence text, long deadlineNanos) {
    this.text = text;
    this.deadline = deadlineNanos;
  }

  @Override
  public char charAt(int index) {
    // nanoTime every 4096 reads keeps the check off the hot path
    if ((++reads & 0xFFF) == 0 && System.nanoTime() > deadline) {
      throw new Expired();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new DeadlineCharSequence(text.subSequence(start, end), deadline);
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
