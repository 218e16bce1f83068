package dev.tuneforge.dataset.curation.report;

import java.util.ArrayList;
import java.util.List;

/** The mutable counters behind one {@link RuleReport}; samples stop at the sample size. */
public final class RuleStats {

  private static final int EXCERPT_CHARS = 200;

  private final String rule;
  private final boolean enabled;
  private final int sampleSize;
  private long dropped;
  private long changed;
  private final List<Sample> droppedSamples = new ArrayList<>();
  private final List<Sample> changedSamples = new ArrayList<>();

  public RuleStats(String rule, boolean enabled, int sampleSize) {
    this.rule = rule;
    this.enabled = enabled;
    this.sampleSize = sampleSize;
  }

  public void dropped(String fileId, long line, String reason, String excerpt) {
    dropped++;
    if (droppedSamples.size() < sampleSize) {
      droppedSamples.add(new Sample(fileId, line, reason, clip(excerpt)));
    }
  }

  public void changed(String fileId, long line, String reason, String excerpt) {
    changed++;
    if (changedSamples.size() < sampleSize) {
      changedSamples.add(new Sample(fileId, line, reason, clip(excerpt)));
    }
  }

  /**
   * True while a dropped record would still be shown as a sample (so it is worth describing
   * exactly).
   */
  public boolean wantsDroppedSample() {
    return enabled && droppedSamples.size() < sampleSize;
  }

  public long droppedCount() {
    return dropped;
  }

  public RuleReport report() {
    return new RuleReport(
        rule, enabled, dropped, changed, List.copyOf(droppedSamples), List.copyOf(changedSamples));
  }

  private static String clip(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= EXCERPT_CHARS ? s : s.substring(0, EXCERPT_CHARS) + "…";
  }
}
