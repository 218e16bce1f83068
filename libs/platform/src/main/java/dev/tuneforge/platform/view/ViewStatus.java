package dev.tuneforge.platform.view;

import java.util.Map;

/**
 * A snapshot of a view's progress for health checks and logs. {@code positions} maps {@code
 * topic-partition} to the next offset the view will read; {@code targets} to the end offset seen at
 * start-up, which the view must reach before it is caught up. {@code targets} is empty while the
 * view is still discovering its topics.
 */
public record ViewStatus(
    String name,
    boolean caughtUp,
    Map<String, Long> positions,
    Map<String, Long> targets,
    long applied,
    long duplicates,
    long deadLettered) {

  /** How many records remain before the view reaches its start-up targets (0 once caught up). */
  public long lag() {
    long lag = 0;
    for (var t : targets.entrySet()) {
      lag += Math.max(0, t.getValue() - positions.getOrDefault(t.getKey(), 0L));
    }
    return lag;
  }
}
