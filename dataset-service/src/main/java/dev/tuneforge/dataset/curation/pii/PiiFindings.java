package dev.tuneforge.dataset.curation.pii;

import java.util.EnumMap;
import java.util.Map;

/** Counts of findings per kind for one record; reset and reused between records. */
public final class PiiFindings {

  private static final PiiKind[] KINDS = PiiKind.values();

  private final int[] counts = new int[KINDS.length];
  private int total;

  public void reset() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
  }

  void add(PiiKind kind) {
    counts[kind.ordinal()]++;
    total++;
  }

  public int count(PiiKind kind) {
    return counts[kind.ordinal()];
  }

  public int total() {
    return total;
  }

  public boolean any() {
    return total > 0;
  }

  /** The kinds found, in detection order, e.g. "email, phone" for a report sample. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (PiiKind kind : KINDS) {
      if (counts[kind.ordinal()] > 0) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(kind.name().toLowerCase()).append(" x").append(counts[kind.ordinal()]);
      }
    }
    return sb.toString();
  }

  public Map<PiiKind, Integer> asMap() {
    Map<PiiKind, Integer> map = new EnumMap<>(PiiKind.class);
    for (PiiKind kind : KINDS) {
      if (counts[kind.ordinal()] > 0) {
        map.put(kind, counts[kind.ordinal()]);
      }
    }
    return map;
  }
}
