package dev.tuneforge.llm.train.data;

import java.util.List;

/** A char-level tokenizer and a ChatML-style template, small enough to check labels by eye. */
final class CharFixtures {

  static final int BOS = 1;
  static final int EOS = 2;

  /** One id per char (its code point); BOS first when special tokens are requested. */
  static final TokenEncoder ENCODER =
      (text, addSpecial) -> {
        int[] cps = text.codePoints().toArray();
        if (!addSpecial) {
          return cps;
        }
        int[] out = new int[cps.length + 1];
        out[0] = BOS;
        System.arraycopy(cps, 0, out, 1, cps.length);
        return out;
      };

  /** ChatML: "<s>" then "[role]content|" per message; "[assistant]" as generation prompt. */
  static final TemplateRenderer CHATML =
      (messages, gen) -> {
        StringBuilder sb = new StringBuilder("<s>");
        for (ChatTurn t : messages) {
          sb.append('[').append(t.role()).append(']').append(t.content()).append('|');
        }
        if (gen) {
          sb.append("[assistant]");
        }
        return sb.toString();
      };

  private CharFixtures() {}

  static String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(id == BOS ? "^" : id == EOS ? "$" : new String(Character.toChars(id)));
    }
    return sb.toString();
  }

  /** The target tokens as text, with '_' for every masked position. */
  static String targets(TokenizedExample e) {
    StringBuilder sb = new StringBuilder();
    for (int l : e.labels()) {
      sb.append(l == TokenizedExample.IGNORE ? "_" : decode(new int[] {l}));
    }
    return sb.toString();
  }

  static List<ChatTurn> conversation() {
    return List.of(
        new ChatTurn("system", "be brief"),
        new ChatTurn("user", "hi"),
        new ChatTurn("assistant", "hello"),
        new ChatTurn("user", "2+2?"),
        new ChatTurn("assistant", "4"));
  }
}
