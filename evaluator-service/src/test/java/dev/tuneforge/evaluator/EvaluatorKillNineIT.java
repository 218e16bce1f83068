package dev.tuneforge.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.auto.EvaluationIds;
import dev.tuneforge.evaluator.run.TinyTuning;
import dev.tuneforge.evaluator.testing.Publish;
import dev.tuneforge.evaluator.testing.TinyModels;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationFailed;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.Topics;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.view.KafkaEventPublisher;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.stack.LocalStack;
import dev.tuneforge.stack.StackSettings;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged evaluator-service (target/quarkus-app) as its own process on the embedded stack,
 * killed with SIGKILL in the middle of an automatic evaluation: started again, it evaluates the job
 * again, and the topic then holds exactly one outcome for it, with the figures of the same run
 * evaluated without interruption.
 */
class EvaluatorKillNineIT {

  static final EventCodec CODEC = new EventCodec();

  /**
   * Copies of the validation records (11 each): enough greedy decoding that the kill, sent as soon
   * as the tuned model's first batch is logged, lands mid-evaluation even on a fast quiet machine
   * (checked below: no outcome was recorded before the kill).
   */
  static final int COPIES = 8;

  static final int MAX_NEW_TOKENS = 32;

  static final String DEAD_LETTERS = Topics.deadLetter("evaluator-service");

  @Test
  void anEvaluationKilledMidwayIsRedoneAfterRestartOnceWithTheSameFigures() throws Exception {
    Path jar = ServiceProcess.appJar();
    assertTrue(Files.exists(jar), "package the service first: " + jar);
    Path dir = Files.createTempDirectory("evaluator-kill-nine-");
    StackSettings settings = StackSettings.defaults(dir).withFreePorts();
    try (LocalStack stack = LocalStack.start(settings);
        ObjectStore objects =
            ObjectStore.connect(
                new S3Settings(
                    stack.s3Endpoint(),
                    settings.accessKey(),
                    settings.secretKey(),
                    settings.bucket()));
        KafkaEventPublisher publisher =
            new KafkaEventPublisher(
                Map.of("bootstrap.servers", stack.kafkaBootstrapServers()), CODEC, "test")) {
      ArtifactStore artifacts = new ArtifactStore(objects);
      Publish.baseModel(artifacts, TinyModels.base(), "tiny");
      String validation =
          Publish.dataset(artifacts, "team-a", "doubles", TinyTuning.chats().repeat(COPIES));
      TrainingCompleted killed = job(artifacts, "ftjob-killed", validation);
      TrainingCompleted stopped = job(artifacts, "ftjob-stopped", validation);
      TrainingCompleted uninterrupted = job(artifacts, "ftjob-whole", validation);

      // 1. SIGKILL mid-evaluation: nothing recorded, the record not acknowledged.
      ServiceProcess first = launch(stack, dir, "first");
      RecordPosition killedAt;
      try {
        first.awaitReady(Duration.ofSeconds(120));
        killedAt = publisher.publish(Topics.TRAINING_EVENTS, killed);
        awaitMidEvaluation(stack, first, "ftjob-killed");
      } finally {
        first.kill(); // SIGKILL: no shutdown hook runs
      }
      assertEquals(List.of(), outcomes(stack, "ftjob-killed", Duration.ZERO));

      // 2. Started again, it redoes that evaluation; then it is stopped gracefully (SIGTERM, as
      // a rolling deploy does) in the middle of another one, which must not end as failed.
      ServiceProcess second = launch(stack, dir, "second");
      EvaluationCompleted redone;
      RecordPosition stoppedAt;
      try {
        second.awaitReady(Duration.ofSeconds(120));
        redone = completed(outcomes(stack, "ftjob-killed", Duration.ofMinutes(5)));
        stoppedAt = publisher.publish(Topics.TRAINING_EVENTS, stopped);
        awaitMidEvaluation(stack, second, "ftjob-stopped");
      } finally {
        // SIGTERM: Quarkus shuts down, closing storage and producer
        assertTrue(second.stop(Duration.ofSeconds(60)), "no graceful stop in 60 s");
      }
      List<EventEnvelope> afterStop = outcomes(stack, "ftjob-stopped", Duration.ZERO);
      assertTrue(
          afterStop.stream().noneMatch(e -> e.payload() instanceof EvaluationFailed),
          "a shutdown recorded the evaluation as failed: " + afterStop);

      // 3. Started once more: the stopped evaluation is redone too; a run evaluated without
      // interruption gives the same figures as both.
      try (ServiceProcess third = launch(stack, dir, "third")) {
        third.awaitReady(Duration.ofSeconds(120));
        EvaluationCompleted resumed =
            completed(outcomes(stack, "ftjob-stopped", Duration.ofMinutes(5)));
        publisher.publish(Topics.TRAINING_EVENTS, uninterrupted);
        EvaluationCompleted whole =
            completed(outcomes(stack, "ftjob-whole", Duration.ofMinutes(5)));

        assertEquals(EvaluationIds.forJob("ftjob-killed"), redone.evaluationId());
        for (EvaluationCompleted c : List.of(redone, resumed)) {
          assertEquals(whole.metrics(), c.metrics());
          assertEquals(whole.baseMetrics(), c.baseMetrics());
          assertEquals(whole.deltas(), c.deltas());
          assertEquals(whole.passed(), c.passed());
          assertEquals(whole.reasons(), c.reasons());
          assertEquals(11 * COPIES, sampleCount(objects, c));
        }

        // both records were acknowledged at last: no further evaluation waits, one outcome each
        awaitCommitted(stack, "evaluator-service", killedAt, Duration.ofSeconds(60));
        awaitCommitted(stack, "evaluator-service", stoppedAt, Duration.ofSeconds(60));
        assertEquals(1, outcomes(stack, "ftjob-killed", Duration.ZERO).size());
        assertEquals(1, outcomes(stack, "ftjob-stopped", Duration.ZERO).size());
        assertEquals(List.of(), deadLetters(stack));
      }
    }
  }

  /**
   * Waits until {@code p} has decoded the first batch of the tuned model's validation completions
   * for {@code jobId} (an event, not a sleep: a fast machine finishes a whole evaluation in a
   * second), and checks that the evaluation is still under way (no outcome recorded).
   */
  void awaitMidEvaluation(LocalStack stack, ServiceProcess p, String jobId) throws Exception {
    p.awaitLog(
        "evaluation " + EvaluationIds.forJob(jobId) + ": tuned model, validation completions ",
        Duration.ofSeconds(180));
    assertEquals(
        List.of(),
        outcomes(stack, jobId, Duration.ZERO),
        "the evaluation ended before it was interrupted; raise COPIES. Log:\n"
            + Files.readString(p.log()));
  }

  /** The records in the evaluator's dead-letter topic. */
  static List<String> deadLetters(LocalStack stack) {
    try (KafkaConsumer<String, String> consumer = consumer(stack)) {
      List<TopicPartition> parts =
          consumer.partitionsFor(DEAD_LETTERS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<String> found = new ArrayList<>();
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> found.add(r.key() + ": " + r.value()));
      }
      return found;
    }
  }

  static KafkaConsumer<String, String> consumer(LocalStack stack) {
    return new KafkaConsumer<>(
        Map.<String, Object>of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
        new StringDeserializer(),
        new StringDeserializer());
  }

  static TrainingCompleted job(ArtifactStore artifacts, String jobId, String validationUri) {
    String uri = Publish.adapter(artifacts, TinyModels.adapter(), jobId);
    return Publish.completed(
        jobId,
        "team-a",
        "tiny",
        uri,
        Publish.manifestSha256(artifacts, uri),
        validationUri,
        null,
        Map.of());
  }

  static EvaluationCompleted completed(List<EventEnvelope> outcomes) {
    assertEquals(1, outcomes.size(), outcomes.toString());
    Object p = outcomes.get(0).payload();
    if (p instanceof EvaluationFailed f) {
      throw new AssertionError("evaluation failed: " + f.reason());
    }
    return (EvaluationCompleted) p;
  }

  static int sampleCount(ObjectStore objects, EvaluationCompleted c) throws Exception {
    String key = c.reportUri().substring(("s3://" + objects.bucket() + "/").length());
    var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(objects.getBytes(key));
    return report.get("samples").size();
  }

  /**
   * The outcomes (EvaluationCompleted / EvaluationFailed) of {@code jobId} on the evaluation topic,
   * read from the start; waits up to {@code wait} for the first one.
   */
  static List<EventEnvelope> outcomes(LocalStack stack, String jobId, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    try (KafkaConsumer<String, String> consumer = consumer(stack)) {
      List<TopicPartition> parts =
          consumer.partitionsFor(Topics.EVALUATION_EVENTS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      List<EventEnvelope> found = new ArrayList<>();
      while (true) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            EventEnvelope e = CODEC.decode(r.value());
            if (jobId.equals(r.key())
                && (e.payload() instanceof EvaluationCompleted
                    || e.payload() instanceof EvaluationFailed)) {
              found.add(e);
            }
          }
        }
        if (!found.isEmpty() || System.nanoTime() > deadline) {
          return found;
        }
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void awaitCommitted(LocalStack stack, String group, RecordPosition at, Duration timeout)
      throws Exception {
    TopicPartition tp = new TopicPartition(at.topic(), at.partition());
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      while (System.nanoTime() < deadline) {
        OffsetAndMetadata o =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        if (o != null && o.offset() > at.offset()) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("group " + group + " did not commit past " + at + " in " + timeout);
  }

  /** Starts the packaged service as {@code name} (log at {@code dir/<name>.log}) on a free port. */
  ServiceProcess launch(LocalStack stack, Path dir, String name) throws Exception {
    return ServiceProcess.start(
        stack,
        dir.resolve(name + ".log"),
        List.of(
            "-Xmx768m",
            // Short completions and one prompt batch keep the IT quick on the tiny model.
            "-Dtuneforge.evaluator.max-new-tokens=" + MAX_NEW_TOKENS,
            // Both instances share one work dir, as a service restarted on its node does.
            "-Dtuneforge.evaluator.work-dir=" + dir.resolve("work"),
            "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
            // The dead instance's group membership lapses in seconds, not the default 45 s.
            "-Dmp.messaging.incoming.training-events.session.timeout.ms=6000",
            "-Dmp.messaging.incoming.training-events.heartbeat.interval.ms=1000"));
  }
}
