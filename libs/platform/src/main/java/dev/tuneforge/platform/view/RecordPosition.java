package dev.tuneforge.platform.view;

import java.util.Objects;

/**
 * Where one record sits in Kafka: topic, partition and offset. A publisher returns it once the
 * broker has acknowledged the record; a view can be asked to wait until it has applied it
 * (read-your-writes).
 */
public record RecordPosition(String topic, int partition, long offset) {

  public RecordPosition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
