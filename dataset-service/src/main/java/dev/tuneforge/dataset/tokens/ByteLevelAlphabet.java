package dev.tuneforge.dataset.tokens;

/**
 * The 256 characters a byte-level BPE vocabulary is written in (GPT-2's {@code bytes_to_unicode}):
 * printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100 onwards, so {@code
 * "Ġthe"} is the four bytes {@code " the"}. Token byte lengths are read through this table.
 */
final class ByteLevelAlphabet {

  /** The character standing for each byte, indexed by byte value. */
  private static final char[] BYTE_TO_CHAR = build();

  private ByteLevelAlphabet() {}

  /** True when {@code c} is one of the 256 characters that each stand for one byte. */
  static boolean isByteChar(int c) {
    if (c >= '!' && c <= '~' || c >= '¡' && c <= '¬' || c >= '®' && c <= 'ÿ') {
      return true;
    }
    return c >= 0x100 && c < 0x100 + 68;
  }

  /** The character standing for byte {@code b} (0–255). */
  static char charOf(int b) {
    return BYTE_TO_CHAR[b];
  }

  /**
   * Bytes of input text one vocabulary entry can stand for: one per alphabet character. A character
   * outside the alphabet cannot come out of byte-level pre-tokenisation, so such an entry can never
   * be produced; counting it at its UTF-8 length only overstates the longest token, which keeps a
   * lower bound derived from it safe.
   */
  static int bytesOf(String token) {
    int bytes = 0;
    for (int i = 0; i < token.length(); ) {
      int cp = token.codePointAt(i);
      bytes += isByteChar(cp) ? 1 : utf8Length(cp);
      i += Character.charCount(cp);
    }
    return bytes;
  }

  static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  private static char[] build() {
    char[] table = new char[256];
    int next = 0x100;
    for (int b = 0; b < 256; b++) {
      boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
      table[b] = printable ? (char) b : (char) next++;
    }
    if (next != 0x100 + 68) {
      throw new IllegalStateException(
          "byte-level alphabet has " + (next - 0x100) + " shifted bytes, expected 68");
    }
    return table;
  }
}
