package dev.tuneforge.dataset.curation.pii;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LuhnTest {

  @Test
  void acceptsKnownTestCardNumbers() {
    assertTrue(Luhn.valid("4111111111111111")); // Visa test number
    assertTrue(Luhn.valid("5500 0000 0000 0004")); // Mastercard, spaced
    assertTrue(Luhn.valid("3782-822463-10005")); // Amex, dashed
    assertTrue(Luhn.valid("79927398713")); // the textbook example
  }

  @Test
  void rejectsOneDigitOff() {
    assertFalse(Luhn.valid("4111111111111112"));
    assertFalse(Luhn.valid("79927398710"));
  }
}
