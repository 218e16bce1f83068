package dev.tuneforge.dataset.curation.dedup;

import dev.tuneforge.dataset.record.Message;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * The text two records are compared by. Choices, each so that copies differing only in encoding
 * accidents count as one:
 *
 * <ul>
 *   <li>Unicode NFC, so "é" typed as one code point or as e + combining accent is the same;
 *   <li>whitespace runs collapsed to one space and trimmed, so reflowed or re-indented copies
 *       match;
 *   <li>case folded by upper- then lower-casing in {@code Locale.ROOT} (Java has no full case fold;
 *       the round trip also maps "ß" to "ss" and final sigma to sigma, as full folding does).
 * </ul>
 *
 * Punctuation and digits are kept: "2+2=4" and "2+2=5" are different training signals. The role of
 * each turn is part of the key, so the same words said by user and by assistant differ.
 */
public final class TextNormaliser {

  /**
   * Separates a turn's role from its text; a control character that normalised text cannot contain.
   */
  static final char ROLE_SEPARATOR = '\u001f';

  /** Separates turns. */
  static final char TURN_SEPARATOR = '\u001e';

  private final StringBuilder out = new StringBuilder(1024);

  /** The normalised key of a whole conversation. Not thread-safe: reuses one buffer. */
  public String key(List<Message> messages) {
    out.setLength(0);
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) {
        out.append(TURN_SEPARATOR);
      }
      Message m = messages.get(i);
      out.append(m.role()).append(ROLE_SEPARATOR);
      appendNormalised(m.content(), out);
    }
    return out.toString();
  }

  /** The normalised form of one text, for shingling. */
  public static String normalise(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    appendNormalised(text, sb);
    return sb.toString();
  }

  static void appendNormalised(String text, StringBuilder sb) {
    if (isAscii(text)) {
      // Fast path for the common case: NFC is the identity and folding is per char.
      collapse(text, sb, true);
      return;
    }
    String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
    String folded = nfc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    collapse(folded, sb, false);
  }

  private static void collapse(String text, StringBuilder sb, boolean lowerAscii) {
    boolean pendingSpace = false;
    int start = sb.length();
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && sb.length() > start) {
        sb.append(' ');
      }
      pendingSpace = false;
      if (lowerAscii && c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      sb.append(c);
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
