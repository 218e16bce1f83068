package dev.tuneforge.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one topic is created, wherever it is created: the embedded stack, tests, docker-compose's
 * init service and the Kubernetes job all read {@link Topics#SPECS}. Facts are kept on append-only
 * topics ({@code cleanup.policy=delete}) for as long as the views that replay them need them, by
 * default forever; a topic whose latest record per key is the whole state of that key is compacted.
 * Replication is the broker's {@code default.replication.factor} (1 on one broker, 3 on a
 * production cluster), so one table serves every environment.
 *
 * @param retention how long records are kept, or null for forever; unused when compacted
 */
public record TopicSpec(
    String name, int partitions, CleanupPolicy cleanupPolicy, Duration retention, String purpose) {

  /** What Kafka does with old records. */
  public enum CleanupPolicy {
    /** Records are facts: kept until {@code retention.ms} (here: forever unless stated). */
    DELETE("delete"),
    /** The latest record per key is the state of that key; older ones are removed. */
    COMPACT("compact");

    private final String kafka;

    CleanupPolicy(String kafka) {
      this.kafka = kafka;
    }

    /** The value of the {@code cleanup.policy} topic setting. */
    public String kafka() {
      return kafka;
    }
  }

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(
          "topic name '" + name + "' is not a legal Kafka topic name");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + ": partitions must be >= 1, got " + partitions);
    }
    if (retention != null && (retention.isNegative() || retention.isZero())) {
      throw new IllegalArgumentException(
          "topic " + name + ": retention must be positive, got " + retention);
    }
  }

  /** Facts kept forever: views replay them from the beginning at every start. */
  public static TopicSpec facts(String name, int partitions, String purpose) {
    return new TopicSpec(name, partitions, CleanupPolicy.DELETE, null, purpose);
  }

  /** State per key: the latest record of a key is its state; a tombstone deletes it. */
  public static TopicSpec compacted(String name, int partitions, String purpose) {
    return new TopicSpec(name, partitions, CleanupPolicy.COMPACT, null, purpose);
  }

  /** Records kept for {@code retention}, then deleted. */
  public static TopicSpec expiring(
      String name, int partitions, Duration retention, String purpose) {
    return new TopicSpec(
        name, partitions, CleanupPolicy.DELETE, Objects.requireNonNull(retention), purpose);
  }

  /**
   * The topic-level settings, in a stable order: {@code cleanup.policy} and {@code retention.ms}.
   */
  public Map<String, String> configs() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cleanup.policy", cleanupPolicy.kafka());
    if (cleanupPolicy == CleanupPolicy.DELETE) {
      c.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    }
    return c;
  }
}
