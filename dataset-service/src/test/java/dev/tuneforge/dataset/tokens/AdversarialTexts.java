package dev.tuneforge.dataset.tokens;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Texts meant to break token-count bounds: empty and one-byte texts, every byte width of UTF-8,
 * emoji and ZWJ sequences, combining marks, control characters, whitespace runs, the longest
 * vocabulary tokens and the added tokens repeated back to back (where the lower bound is tight),
 * and random mixtures of all of them.
 */
final class AdversarialTexts {

  private static final String[] PIECES = {
    "",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "a",
    "é",
    "ß",
    "日本語",
    "😀",
    "👨‍👩‍👧‍👦",
    "🇩🇪",
    "e\u0301",
    "\u0000",
    "\u001f",
    "\u007f",
    "\u0080",
    "\u00ff",
    "\u00ad",
    "\uFEFF",
    "\u2028",
    "\uFFFD",
    "\uD83D\uDE00",
    "ﬁ",
    "Ⅻ",
    "Ω",
    "𝔘𝔫𝔦",
    "ǅ",
    "ا",
    "िं",
    "\u200d",
    " the",
    "ing",
    "'s",
    "123",
    "4.5",
    "!!!",
    "```",
    "<tool>",
    "<s>",
    "</s>",
    "<unk>",
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|im_start",
    "|>",
    "<to ol>",
    "Ġ",
    "Ċ",
    "ĉ",
  };

  private AdversarialTexts() {}

  /** Hand-picked texts plus {@code randomCount} random ones built from {@code vocabulary}. */
  static List<String> all(Iterable<String> vocabulary, int randomCount, long seed) {
    List<String> vocab = new ArrayList<>();
    for (Iterator<String> it = vocabulary.iterator(); it.hasNext(); ) {
      vocab.add(it.next());
    }
    List<String> texts = new ArrayList<>(List.of(PIECES));
    vocab.sort((a, b) -> b.length() - a.length());
    for (String longest : vocab.subList(0, Math.min(5, vocab.size()))) {
      texts.add(longest.repeat(200));
      texts.add(fromByteLevel(longest).repeat(200));
    }
    for (String special :
        List.of("<|endoftext|>", "<|im_start|>", "<tool>", "<s>", "</s>", "<unk>")) {
      texts.add(special.repeat(100));
      texts.add((special + " ").repeat(50));
    }
    texts.add(" ".repeat(1000));
    texts.add("\n".repeat(500));
    texts.add("😀".repeat(300));
    texts.add("a".repeat(5000));
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < randomCount; i++) {
      texts.add(random(r, vocab));
    }
    return texts;
  }

  private static String random(SplittableRandom r, List<String> vocab) {
    StringBuilder sb = new StringBuilder();
    int parts = r.nextInt(1, 60);
    for (int p = 0; p < parts; p++) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append(PIECES[r.nextInt(PIECES.length)]);
        case 1 -> sb.append(fromByteLevel(vocab.get(r.nextInt(vocab.size()))));
        case 2 ->
            sb.append(
                fromByteLevel(vocab.get(r.nextInt(Math.min(20, vocab.size()))))
                    .repeat(r.nextInt(1, 30)));
        case 3 -> sb.appendCodePoint(randomCodePoint(r));
        case 4 -> sb.append((char) r.nextInt(0x20, 0x7F));
        default -> sb.append(" ".repeat(r.nextInt(1, 8)));
      }
    }
    return sb.toString();
  }

  /** Any scalar value: all four UTF-8 widths, never a lone surrogate. */
  private static int randomCodePoint(SplittableRandom r) {
    while (true) {
      int cp =
          switch (r.nextInt(4)) {
            case 0 -> r.nextInt(0x80);
            case 1 -> r.nextInt(0x80, 0x800);
            case 2 -> r.nextInt(0x800, 0x10000);
            default -> r.nextInt(0x10000, 0x110000);
          };
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
        return cp;
      }
    }
  }

  /** The text a vocabulary entry stands for (its byte-level characters read back to bytes). */
  static String fromByteLevel(String token) {
    byte[] bytes = new byte[token.length()];
    int n = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = byteOf(c);
      if (b < 0) {
        return token; // an added token, written as itself
      }
      bytes[n++] = (byte) b;
    }
    // May cut a multi-byte character in half; the decoder then writes U+FFFD, still a valid text.
    return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static int byteOf(char c) {
    for (int b = 0; b < 256; b++) {
      if (ByteLevelAlphabet.charOf(b) == c) {
        return b;
      }
    }
    return -1;
  }
}
