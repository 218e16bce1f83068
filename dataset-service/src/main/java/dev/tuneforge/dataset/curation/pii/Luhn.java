package dev.tuneforge.dataset.curation.pii;

/**
 * The Luhn (mod 10) checksum every payment card number satisfies; most random digit runs do not.
 */
public final class Luhn {

  private Luhn() {}

  /** True when the digits of {@code candidate} (other characters ignored) pass the check. */
  public static boolean valid(CharSequence candidate) {
    int sum = 0;
    int digits = 0;
    for (int i = candidate.length() - 1; i >= 0; i--) {
      char c = candidate.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if ((digits & 1) == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      digits++;
    }
    return digits > 0 && sum % 10 == 0;
  }
}
