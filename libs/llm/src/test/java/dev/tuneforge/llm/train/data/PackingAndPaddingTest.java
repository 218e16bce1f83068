package dev.tuneforge.llm.train.data;

import static dev.tuneforge.llm.train.data.CharFixtures.CHATML;
import static dev.tuneforge.llm.train.data.CharFixtures.ENCODER;
import static dev.tuneforge.llm.train.data.CharFixtures.EOS;
import static dev.tuneforge.llm.train.data.CharFixtures.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackingAndPaddingTest {

  private final ExampleTokenizer tok =
      new ExampleTokenizer(ENCODER, CHATML, new TokenizationConfig(10, false, EOS));

  private List<TokenizedExample> examples(String... texts) {
    return java.util.Arrays.stream(texts).map(t -> tok.tokenize(new Example.Text(t))).toList();
  }

  @Test
  void packingResetsPositionsAndNumbersSegmentsPerExample() {
    // lengths with BOS and EOS: 4, 5, 3, 8
    List<TrainingSequence> rows = Packer.pack(examples("ab", "cde", "f", "ghijkl"), 10);
    assertEquals(
        3, rows.size(), "4+5 fit in 10; 9+3 does not, so 3 opens a row; 3+8 > 10 opens another");
    TrainingSequence r0 = rows.get(0);
    assertEquals("^ab$^cde$", decode(r0.inputIds()));
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 4}, r0.positionIds());
    assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 2, 2}, r0.segmentIds());
    assertEquals(
        TokenizedExample.IGNORE,
        r0.labels()[4],
        "no loss on predicting the next example's first token");
    assertEquals('c', r0.labels()[5]);
    assertEquals(2, r0.segments());
  }

  @Test
  void packingKeepsOrderAndNeverExceedsSequenceLen() {
    List<TokenizedExample> ex = examples("a", "bcdefg", "hi", "jk", "lmnopqr", "s");
    List<TrainingSequence> rows = Packer.pack(ex, 10);
    StringBuilder all = new StringBuilder();
    for (TrainingSequence r : rows) {
      assertTrue(r.length() <= 10);
      all.append(decode(r.inputIds()));
    }
    assertEquals("^a$^bcdefg$^hi$^jk$^lmnopqr$^s$", all.toString());
    int targets = ex.stream().mapToInt(TokenizedExample::targetCount).sum();
    assertEquals(
        targets,
        rows.stream()
            .mapToInt(
                r ->
                    (int)
                        java.util.Arrays.stream(r.labels())
                            .filter(l -> l != TokenizedExample.IGNORE)
                            .count())
            .sum(),
        "packing keeps every target");
  }

  @Test
  void exampleLongerThanTheRowIsRejected() {
    TokenizedExample longOne =
        new ExampleTokenizer(ENCODER, CHATML, new TokenizationConfig(50, false, EOS))
            .tokenize(new Example.Text("abcdefghijklmnop"));
    assertThrows(IllegalArgumentException.class, () -> Packer.pack(List.of(longOne), 10));
  }

  @Test
  void attentionIsBlockDiagonalCausalAndIgnoresPadding() {
    List<TrainingSequence> rows = Packer.pack(examples("ab", "cde"), 10); // one row of 9
    Batch b = new Collator(0, 10).collate(rows);
    assertTrue(b.attends(0, 3, 0), "within the first example, backwards");
    assertFalse(b.attends(0, 0, 3), "never forwards");
    assertFalse(b.attends(0, 4, 3), "first token of example 2 cannot see example 1");
    assertTrue(b.attends(0, 8, 4));
    assertFalse(b.attends(0, 9, 9), "padding attends nothing");
    assertFalse(b.attends(0, 9, 0));
  }

  @Test
  void paddingGoesRightWithMaskedLabelsAndZeroMask() {
    List<TrainingSequence> rows = examples("abc", "d").stream().map(TrainingSequence::of).toList();
    Batch b = new Collator(99, 0).collate(rows);
    assertEquals(2, b.batchSize());
    assertEquals(5, b.seqLen(), "padded to the longest row");
    assertEquals(
        "^abc$^d$",
        decode(java.util.Arrays.copyOfRange(b.inputIds(), 0, 5))
            + decode(java.util.Arrays.copyOfRange(b.inputIds(), 5, 8)));
    assertArrayEquals(new int[] {99, 99}, java.util.Arrays.copyOfRange(b.inputIds(), 8, 10));
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, b.attentionMask());
    assertArrayEquals(new int[] {0, 0}, java.util.Arrays.copyOfRange(b.segmentIds(), 8, 10));
    assertEquals(TokenizedExample.IGNORE, b.labels()[9]);
    assertEquals(4 + 2, b.targetTokens());
    assertEquals(8, b.realTokens());
    assertEquals(7, new Collator(0, 7).collate(rows).seqLen(), "fixed length");
    assertThrows(IllegalArgumentException.class, () -> new Collator(0, 4).collate(rows));
  }
}
