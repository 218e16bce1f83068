package dev.tuneforge.trainer.worker;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tells the {@link Workers} which partitions of the requests topic this replica's consumer owns, so
 * a job is trained by the replica that owns its partition, and taken up by the next owner when that
 * replica is gone.
 */
@ApplicationScoped
@Identifier(PartitionOwnership.NAME)
public class PartitionOwnership implements KafkaConsumerRebalanceListener {

  public static final String NAME = "training-partitions";

  @Inject Workers workers;

  @ConfigProperty(name = "tuneforge.trainer.worker.enabled", defaultValue = "true")
  boolean enabled;

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (!enabled || partitions.isEmpty()) {
      return;
    }
    String topic = partitions.iterator().next().topic();
    workers.assigned(numbers(partitions), consumer.partitionsFor(topic).size());
  }

  @Override
  public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (enabled && !partitions.isEmpty()) {
      workers.revoked(numbers(partitions));
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
  }
}
