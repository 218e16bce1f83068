package dev.tuneforge.evaluator.metrics;

import java.util.List;

/** Longest common subsequence length, O(n·m) time and O(m) memory. */
final class Lcs {
  private Lcs() {}

  static <T> int length(List<T> a, List<T> b) {
    int[] prev = new int[b.size() + 1];
    int[] cur = new int[b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      T x = a.get(i - 1);
      for (int j = 1; j <= b.size(); j++) {
        cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.size()];
  }

  static int length(String a, String b) {
    return length(a.codePoints().boxed().toList(), b.codePoints().boxed().toList());
  }
}
