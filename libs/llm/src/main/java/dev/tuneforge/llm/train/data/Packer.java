package dev.tuneforge.llm.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Sample packing: puts consecutive examples end to end into rows of at most {@code sequenceLen}
 * tokens, so short examples do not waste compute on padding. Greedy and order-preserving (a row is
 * closed when the next example does not fit), which makes the packing a pure function of the
 * example order; rows are then shuffled per epoch like unpacked examples.
 *
 * <p>Examples stay independent: position ids restart at 0 per example and segment ids tell the
 * model to build a block-diagonal causal mask; each example's first label is already ignored
 * ({@link TokenizedExample}), so no loss crosses a boundary. An example's loss is therefore the
 * same packed or alone (up to floating-point summation order).
 */
public final class Packer {

  private Packer() {}

  public static List<TrainingSequence> pack(List<TokenizedExample> examples, int sequenceLen) {
    List<TrainingSequence> rows = new ArrayList<>();
    List<TokenizedExample> open = new ArrayList<>();
    int openLen = 0;
    for (TokenizedExample e : examples) {
      if (e.length() > sequenceLen) {
        throw new IllegalArgumentException(
            "example of "
                + e.length()
                + " tokens is longer than sequence_len "
                + sequenceLen
                + "; tokenize with truncation");
      }
      if (openLen + e.length() > sequenceLen) {
        rows.add(row(open, openLen));
        open.clear();
        openLen = 0;
      }
      open.add(e);
      openLen += e.length();
    }
    if (!open.isEmpty()) {
      rows.add(row(open, openLen));
    }
    return rows;
  }

  private static TrainingSequence row(List<TokenizedExample> parts, int len) {
    int[] ids = new int[len];
    int[] labels = new int[len];
    int[] pos = new int[len];
    int[] seg = new int[len];
    int at = 0;
    for (int s = 0; s < parts.size(); s++) {
      TokenizedExample e = parts.get(s);
      System.arraycopy(e.inputIds(), 0, ids, at, e.length());
      System.arraycopy(e.labels(), 0, labels, at, e.length());
      for (int i = 0; i < e.length(); i++) {
        pos[at + i] = i;
        seg[at + i] = s + 1;
      }
      at += e.length();
    }
    return new TrainingSequence(ids, labels, pos, seg);
  }
}
