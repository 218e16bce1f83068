package dev.tuneforge.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged trainer-service consuming the same topics, each request delivered
 * twice: every job is trained exactly once, by the replica that owns its partition, and both
 * replicas train.
 */
class TrainerReplicasIT {

  final String key = ApiKeySecrets.newSecret();

  @Test
  void twoReplicasTrainEachJobOnce() throws Exception {
    Path dir = Files.createTempDirectory("trainer-replicas-");
    try (LocalStack stack = LocalStack.start(StackSettings.defaults(dir).withFreePorts());
        KafkaEventPublisher publisher =
            new KafkaEventPublisher(
                Map.of("bootstrap.servers", stack.kafkaBootstrapServers()),
                new EventCodec(),
                "test");
        ObjectStore store = TrainerResumeIT.bucket(stack)) {
      TrainerResumeIT.prepare(stack, publisher, store, key);
      try (TrainerProcess a = TrainerProcess.start(stack, dir, "a", key);
          TrainerProcess b = TrainerProcess.start(stack, dir, "b", key)) {
        Thread.sleep(8000); // both in the consumer group, its partitions split between them
        // Two jobs on each of the three partitions, so both replicas own some; each sent twice.
        List<String> ids = new ArrayList<>();
        while (ids.size() < 6) {
          String id = "ftjob-rep-" + UUID.randomUUID().toString().substring(0, 8);
          int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 3;
          if (ids.stream().filter(x -> partition(x) == p).count() < 2) {
            ids.add(id);
          }
        }
        for (String id : ids) {
          TrainingRequested r = request(id);
          publisher.publish(Topics.TRAINING_REQUESTS, r);
          publisher.publish(Topics.TRAINING_REQUESTS, r);
        }
        for (String id : ids) {
          assertEquals(
              "succeeded", a.awaitEnd(id, Duration.ofSeconds(300)).path("status").asText(), id);
          List<String> messages = b.messages(id); // the other replica's view agrees
          assertEquals(
              1,
              messages.stream()
                  .filter(m -> m.startsWith("Fine-tuning job started") || m.contains("resumed"))
                  .count(),
              id + " " + messages);
          assertEquals(
              1, messages.stream().filter(m -> m.startsWith("The job has successfully")).count());
        }
        long trainedByA = countTrained(a.log, ids);
        long trainedByB = countTrained(b.log, ids);
        assertEquals(6, trainedByA + trainedByB, "each job trained by one replica");
        System.out.printf("replica a trained %d jobs, replica b %d%n", trainedByA, trainedByB);
        assertTrue(trainedByA > 0 && trainedByB > 0, "both replicas trained");
      }
    }
  }

  static int partition(String id) {
    return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 3;
  }

  /** Jobs whose run this replica's log records. */
  static long countTrained(Path log, List<String> ids) throws Exception {
    String text = Files.readString(log);
    return ids.stream().filter(id -> text.contains("job " + id + " trained")).count();
  }

  static TrainingRequested request(String id) {
    return new TrainingRequested(
        id,
        "tiny-resume",
        "sums",
        "v1",
        "lora",
        Map.of(
            "adapter", "lora",
            "lora_r", 4,
            "sequence_len", 64,
            "max_steps", 10,
            "num_epochs", 1,
            "micro_batch_size", 2,
            "learning_rate", 2e-4,
            "seed", 5),
        null,
        5,
        TrainerResumeIT.TEAM,
        "main",
        null,
        null,
        null,
        null,
        null);
  }
}
