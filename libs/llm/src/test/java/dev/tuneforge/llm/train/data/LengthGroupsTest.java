package dev.tuneforge.llm.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthGroupsTest {

  /** The SFT benchmark's shape: 600 rows of 40–448 tokens. */
  private static int[] sftLengths() {
    SplittableRandom r = new SplittableRandom(11);
    int[] out = new int[600];
    for (int i = 0; i < out.length; i++) {
      out[i] = 40 + r.nextInt(409);
    }
    return out;
  }

  private static void assertEveryRowOnce(int[][] batches, int n) {
    int[] seen = new int[n];
    for (int[] b : batches) {
      for (int i : b) {
        seen[i]++;
      }
    }
    for (int i = 0; i < n; i++) {
      assertEquals(1, seen[i], "row " + i + " appears once per epoch");
    }
  }

  private static long padded(int[][] batches, int[] lengths) {
    long sum = 0;
    for (int[] b : batches) {
      sum += (long) b.length * Arrays.stream(b).map(i -> lengths[i]).max().orElseThrow();
    }
    return sum;
  }

  @Test
  void everyRowOncePerEpochDeterministicPerSeedAndEpoch() {
    int[] lengths = sftLengths();
    for (int epoch = 0; epoch < 3; epoch++) {
      int[][] b = LengthGroups.batches(lengths, 4, 42, epoch, false);
      assertEquals(150, b.length);
      assertEveryRowOnce(b, lengths.length);
      assertTrue(
          Arrays.deepEquals(b, LengthGroups.batches(lengths, 4, 42, epoch, false)),
          "a pure function of its inputs: resume rebuilds it");
    }
    assertFalse(
        Arrays.deepEquals(
            LengthGroups.batches(lengths, 4, 42, 0, false),
            LengthGroups.batches(lengths, 4, 42, 1, false)));
    assertFalse(
        Arrays.deepEquals(
            LengthGroups.batches(lengths, 4, 42, 0, false),
            LengthGroups.batches(lengths, 4, 43, 0, false)));
  }

  @Test
  void batchesArePinnedByTheIndependentReimplementation() {
    // scripts/peer/length_groups.py pin: the documented algorithm written again in Python, on 230
    // rows with tied lengths (3 megabatches of batch 2); a change of the order would silently
    // change what resumed runs see
    int[] lengths = new int[230];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = (i * 37) % 101 + 1;
    }
    int[][] epoch0 = LengthGroups.batches(lengths, 2, 42, 0, false);
    int[][] epoch1 = LengthGroups.batches(lengths, 2, 42, 1, false);
    assertArrayEquals(
        new int[][] {{131, 30}, {19, 180}, {196, 185}, {15, 195}, {6, 36}, {11, 0}},
        Arrays.copyOf(epoch0, 6));
    assertArrayEquals(new int[][] {{131, 161}, {199, 27}, {5, 136}}, Arrays.copyOf(epoch1, 3));
  }

  @Test
  void paddingDropsToAlmostNothingAgainstRandomBatches() {
    int[] lengths = sftLengths();
    long real = Arrays.stream(lengths).asLongStream().sum();
    int[][] grouped = LengthGroups.batches(lengths, 4, 42, 0, false);
    BatchPlan plain = new BatchPlan(rows(lengths), 4, 42, true, false, new Collator(0, 0));
    List<int[]> random = new ArrayList<>();
    for (int b = 0; b < plain.batchesPerEpoch(); b++) {
      random.add(plain.rowIndices(new DataPosition(0, b)));
    }
    double groupedRatio = padded(grouped, lengths) / (double) real;
    double randomRatio = padded(random.toArray(int[][]::new), lengths) / (double) real;
    // random batches of 4 uniform lengths pad to E[max of 4]/E[length] = 1.5 (40..448: ~1.55)
    assertTrue(randomRatio > 1.4, "random batches pad: " + randomRatio);
    // sorted megabatches of 200 rows: neighbours differ by ~2 tokens
    assertTrue(groupedRatio < 1.02, "grouped batches barely pad: " + groupedRatio);
  }

  @Test
  void smallSetIsOneSortedMegabatchWithTheLongestBatchFirst() {
    // 10 rows < one megabatch: the batches are the pairs of the length-sorted rows (distinct
    // lengths, so the pairs are fixed whatever the permutation), in a shuffled order with the
    // longest pair first
    int[] lengths = {5, 90, 12, 44, 70, 3, 61, 28, 33, 80};
    int[][] b = LengthGroups.batches(lengths, 2, 7, 0, false);
    Set<String> pairs = new HashSet<>();
    for (int[] batch : b) {
      pairs.add(lengths[batch[0]] + "," + lengths[batch[1]]);
    }
    assertEquals(Set.of("90,80", "70,61", "44,33", "28,12", "5,3"), pairs);
    assertArrayEquals(new int[] {1, 9}, b[0], "the longest batch runs first");
  }

  @Test
  void dropLastDropsOnlyTheShortBatch() {
    int[] lengths = Arrays.copyOf(sftLengths(), 250); // one full megabatch of 200 + 50 rows
    int[][] kept = LengthGroups.batches(lengths, 4, 42, 0, true);
    assertEquals(62, kept.length, "250 rows = 62 batches of 4 + 2 rows dropped");
    assertTrue(Arrays.stream(kept).allMatch(x -> x.length == 4));
    int[][] all = LengthGroups.batches(lengths, 4, 42, 0, false);
    assertEquals(63, all.length);
    assertEveryRowOnce(all, 250);
  }

  @Test
  void batchPlanGroupsOnlyShuffledMultiRowBatches() {
    int[] lengths = sftLengths();
    List<TrainingSequence> rows = rows(lengths);
    BatchPlan plain1 = new BatchPlan(rows, 1, 42, true, false, new Collator(0, 0));
    BatchPlan grouped1 = new BatchPlan(rows, 1, 42, true, false, true, new Collator(0, 0));
    BatchPlan grouped4 = new BatchPlan(rows, 4, 42, true, false, true, new Collator(0, 0));
    BatchPlan inOrder4 = new BatchPlan(rows, 4, 42, false, false, true, new Collator(0, 0));
    for (int b = 0; b < 600; b += 37) {
      DataPosition p = new DataPosition(1, b);
      assertArrayEquals(plain1.rowIndices(p), grouped1.rowIndices(p), "one row pads nothing");
    }
    assertEquals(150, grouped4.batchesPerEpoch());
    int[][] expected = LengthGroups.batches(lengths, 4, 42, 1, false);
    for (int b = 0; b < 150; b++) {
      assertArrayEquals(expected[b], grouped4.rowIndices(new DataPosition(1, b)));
    }
    assertArrayEquals(new int[] {4, 5, 6, 7}, inOrder4.rowIndices(new DataPosition(0, 1)));
  }

  private static List<TrainingSequence> rows(int[] lengths) {
    List<TrainingSequence> out = new ArrayList<>();
    for (int len : lengths) {
      int[] ids = new int[len];
      int[] labels = new int[len];
      int[] pos = new int[len];
      int[] seg = new int[len];
      for (int i = 0; i < len; i++) {
        pos[i] = i;
        seg[i] = 1;
        labels[i] = 7;
      }
      out.add(new TrainingSequence(ids, labels, pos, seg));
    }
    return out;
  }
}
