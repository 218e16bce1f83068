package dev.tuneforge.dataset.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.dataset.curation.ShingleKind;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NearDuplicateTest {

  private static final String BASE =
      "the quick brown fox jumps over the lazy dog while the farmer watches from the "
          + "porch and drinks his morning coffee before heading out to feed the chickens and check the fences "
          + "along the northern field where the old oak tree stands; in the afternoon the wind picks up and "
          + "the clouds roll in from the west so he hurries to bring the hay into the barn before the rain "
          + "starts and the children come home from school asking what is for dinner tonight and whether "
          + "they can go swimming in the pond tomorrow if the weather clears up by then";

  /** Exact Jaccard similarity of word 3-gram sets, to state what each test pair really is. */
  private static double jaccard(String a, String b, int n) {
    Set<String> sa = shingles(a, n);
    Set<String> sb = shingles(b, n);
    Set<String> inter = new HashSet<>(sa);
    inter.retainAll(sb);
    Set<String> union = new HashSet<>(sa);
    union.addAll(sb);
    return (double) inter.size() / union.size();
  }

  private static Set<String> shingles(String s, int n) {
    String[] w = s.split(" ");
    Set<String> out = new HashSet<>();
    for (int i = 0; i + n <= w.length; i++) {
      out.add(String.join(" ", Arrays.copyOfRange(w, i, i + n)));
    }
    return out;
  }

  /** BASE with every n-th word replaced by a made-up one. */
  private static String editEveryNthWord(String text, int n) {
    String[] words = text.split(" ");
    for (int i = n / 2; i < words.length; i += n) {
      words[i] = "edited" + i;
    }
    return String.join(" ", words);
  }

  private static boolean nearDuplicate(String a, String b, double threshold) {
    MinHasher hasher = new MinHasher(128, 42, ShingleKind.WORD, 3);
    NearDuplicateIndex index = new NearDuplicateIndex(LshBands.optimal(threshold, 128), 42);
    assertTrue(index.addIfNew(hasher.signature(a)));
    return !index.addIfNew(hasher.signature(b));
  }

  @Test
  void pairAboveThresholdIsANearDuplicate() {
    String edited = BASE.replace("lazy dog", "lazy cat");
    double j = jaccard(BASE, edited, 3);
    assertTrue(j > 0.92, "pair similarity " + j);
    assertTrue(nearDuplicate(BASE, edited, 0.8));
  }

  @Test
  void pairBelowThresholdIsKept() {
    String rewritten = editEveryNthWord(BASE, 6);
    double j = jaccard(BASE, rewritten, 3);
    assertTrue(j < 0.5, "pair similarity " + j);
    assertFalse(nearDuplicate(BASE, rewritten, 0.8));
  }

  @Test
  void thresholdDecidesForTheSamePair() {
    String partly = editEveryNthWord(BASE, 20);
    double j = jaccard(BASE, partly, 3);
    assertTrue(j > 0.6 && j < 0.85, "pair similarity " + j);
    assertTrue(nearDuplicate(BASE, partly, 0.4));
    assertFalse(nearDuplicate(BASE, partly, 0.95));
  }

  @Test
  void unrelatedTextIsKept() {
    assertFalse(
        nearDuplicate(
            BASE, "completely different words about sailing boats on a windy lake at dusk", 0.5));
  }

  @Test
  void signaturesAreDeterministicPerSeed() {
    long[] a = new MinHasher(64, 7, ShingleKind.CHAR, 5).signature(BASE).clone();
    long[] b = new MinHasher(64, 7, ShingleKind.CHAR, 5).signature(BASE).clone();
    long[] c = new MinHasher(64, 8, ShingleKind.CHAR, 5).signature(BASE).clone();
    assertTrue(Arrays.equals(a, b));
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void signatureAgreementEstimatesJaccard() {
    String edited = BASE.replace("fox", "wolf").replace("coffee", "tea");
    MinHasher hasher = new MinHasher(512, 1, ShingleKind.WORD, 3);
    long[] a = hasher.signature(BASE).clone();
    long[] b = hasher.signature(edited).clone();
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    double estimate = same / 512.0;
    assertEquals(jaccard(BASE, edited, 3), estimate, 0.08);
  }

  @Test
  void bandsPutTheSCurveAtTheThreshold() {
    LshBands bands = LshBands.optimal(0.8, 128);
    assertTrue(bands.bands() * bands.rows() <= 128);
    assertTrue(bands.candidateProbability(0.95) > 0.99, bands.toString());
    assertTrue(bands.candidateProbability(0.5) < 0.05, bands.toString());
  }
}
