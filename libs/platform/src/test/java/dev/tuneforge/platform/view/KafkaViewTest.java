package dev.tuneforge.platform.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.KafkaViewsReadinessCheck;
import dev.tuneforge.stack.EmbeddedKafka;
import dev.tuneforge.stack.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KafkaView against a real broker: rebuild, follow, de-duplicate, dead-letter, catch-up state. */
class KafkaViewTest {

  static EmbeddedKafka kafka;
  static final EventCodec CODEC = new EventCodec();
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void broker() throws Exception {
    Path dir = Files.createTempDirectory("kafka-view-test-");
    kafka = EmbeddedKafka.start(dir, Ports.free(), Ports.free());
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static Map<String, Object> connection() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  static String topic(int partitions) throws Exception {
    String name = "view-test-" + UUID.randomUUID();
    try (Admin admin = Admin.create(connection())) {
      admin
          .createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    }
    return name;
  }

  KafkaEventPublisher publisher() {
    var p = new KafkaEventPublisher(connection(), CODEC, "test");
    open.add(p);
    return p;
  }

  /** The projection used by most tests: every applied event, in order, thread-safe to read. */
  static final class Recorder implements ViewProjection {
    final List<EventEnvelope> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void apply(EventEnvelope event, RecordPosition position) {
      events.add(event);
    }

    List<String> keys() {
      synchronized (events) {
        return events.stream().map(EventEnvelope::key).sorted().toList();
      }
    }
  }

  KafkaView view(String name, ViewProjection projection, String dlq, String... topics) {
    KafkaView v =
        KafkaView.builder(name)
            .connection(connection())
            .topics(topics)
            .deadLetterTopic(dlq)
            .projection(projection)
            .start();
    open.add(v);
    return v;
  }

  static void sendRaw(String topic, String key, byte[] value) throws Exception {
    try (var p =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(
              new ProducerRecord<>(
                  topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
          .get();
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = KafkaClients.groupless(connection(), "reader")) {
      List<TopicPartition> parts = KafkaClients.partitions(c, topic);
      if (parts.isEmpty()) {
        return out;
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void rebuildsFromTheBeginningThenFollowsNewRecords() throws Exception {
    String topic = topic(3);
    var pub = publisher();
    for (int i = 0; i < 5; i++) {
      pub.publish(topic, new CancelRequested("job-" + i, null));
    }
    Recorder rec = new Recorder();
    KafkaView view = view("rebuild", rec, "dlq-" + topic, topic);
    assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
    assertEquals(List.of("job-0", "job-1", "job-2", "job-3", "job-4"), rec.keys());

    RecordPosition at = pub.publish(topic, new CancelRequested("job-5", "alice"));
    assertEquals(topic, at.topic());
    assertTrue(view.awaitPosition(at, Duration.ofSeconds(30)));
    assertTrue(
        rec.keys().contains("job-5"), "read-your-writes: the record just acknowledged is applied");
    assertEquals(6, view.status().applied());
  }

  @Test
  void aNewViewOnTheSameTopicsRebuildsTheSameState() throws Exception {
    String topic = topic(2);
    var pub = publisher();
    for (int i = 0; i < 7; i++) {
      pub.publish(topic, new CancelRequested("job-" + i, null));
    }
    Recorder first = new Recorder();
    KafkaView a = view("first", first, "dlq-" + topic, topic);
    assertTrue(a.awaitCaughtUp(Duration.ofSeconds(30)));
    a.close();
    Recorder second = new Recorder();
    assertTrue(view("second", second, "dlq-" + topic, topic).awaitCaughtUp(Duration.ofSeconds(30)));
    assertEquals(first.keys(), second.keys());
    assertEquals(7, second.keys().size());
  }

  @Test
  void anEventIdSeenTwiceIsAppliedOnce() throws Exception {
    String topic = topic(1);
    EventEnvelope once = EventEnvelope.of(new CancelRequested("job-dup", null), "test");
    var pub = publisher();
    pub.publish(topic, once);
    pub.publish(topic, once);
    RecordPosition last = pub.publish(topic, new CancelRequested("job-other", null));
    Recorder rec = new Recorder();
    KafkaView view = view("dedup", rec, "dlq-" + topic, topic);
    assertTrue(view.awaitPosition(last, Duration.ofSeconds(30)));
    assertEquals(List.of("job-dup", "job-other"), rec.keys());
    assertEquals(1, view.status().duplicates());
  }

  @Test
  void anUndecodableRecordGoesToTheDeadLetterTopicOnceAndTheViewKeepsGoing() throws Exception {
    String topic = topic(1);
    String dlq = "dlq-" + topic;
    sendRaw(topic, "poison", "{\"eventId\": \"x\",".getBytes(StandardCharsets.UTF_8));
    RecordPosition good = publisher().publish(topic, new CancelRequested("job-good", null));
    Recorder rec = new Recorder();
    KafkaView view = view("dlq", rec, dlq, topic);
    assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
    assertTrue(view.hasReached(good));
    assertEquals(List.of("job-good"), rec.keys());
    assertEquals(1, view.status().deadLettered());

    List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlq);
    assertEquals(1, dead.size());
    ConsumerRecord<byte[], byte[]> d = dead.get(0);
    assertEquals("poison", new String(d.key(), StandardCharsets.UTF_8));
    assertTrue(
        DeadLetters.header(d.headers(), DeadLetters.REASON).contains("broken JSON"),
        DeadLetters.header(d.headers(), DeadLetters.REASON));
    assertEquals(topic, DeadLetters.header(d.headers(), DeadLetters.TOPIC));
    assertEquals("0", DeadLetters.header(d.headers(), DeadLetters.OFFSET));
    view.close();

    // A restart reads the poison record again but does not dead-letter it a second time.
    KafkaView again = view("dlq", new Recorder(), dlq, topic);
    assertTrue(again.awaitCaughtUp(Duration.ofSeconds(30)));
    assertEquals(0, again.status().deadLettered());
    assertEquals(1, readAll(dlq).size());
  }

  @Test
  void notCaughtUpUntilItReachesTheEndOffsetsSeenAtStart() throws Exception {
    String topic = topic(1);
    var pub = publisher();
    for (int i = 0; i < 20; i++) {
      pub.publish(topic, new CancelRequested("job-" + i, null));
    }
    CountDownLatch firstApplied = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder rec = new Recorder();
    KafkaView view =
        view(
            "slow",
            (event, at) -> {
              firstApplied.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              rec.apply(event, at);
            },
            "dlq-" + topic,
            topic);
    firstApplied.await();
    // The view is stuck on its first record: it knows its target and is not caught up.
    ViewStatus status = view.status();
    assertFalse(view.caughtUp());
    assertFalse(status.caughtUp());
    assertEquals(Map.of(topic + "-0", 20L), status.targets());
    assertTrue(status.lag() > 0, status.toString());
    assertFalse(view.awaitCaughtUp(Duration.ofMillis(100)));
    HealthCheckResponse down = KafkaViewsReadinessCheck.check(List.of(view));
    assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
    String state = (String) down.getData().orElseThrow().get("slow");
    assertTrue(state.startsWith("catching up, ") && state.endsWith(" records to go"), state);
    assertEquals("{" + topic + "-0=20}", down.getData().orElseThrow().get("slow.target"));
    release.countDown();
    assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
    HealthCheckResponse up = KafkaViewsReadinessCheck.check(List.of(view));
    assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
    assertEquals("caught up", up.getData().orElseThrow().get("slow"));
    assertEquals("{" + topic + "-0=20}", up.getData().orElseThrow().get("slow.position"));
    assertEquals(0, view.status().lag());
    assertEquals(20, rec.keys().size());
  }

  @Test
  void aMissingTopicKeepsTheViewNotCaughtUpUntilItExists() throws Exception {
    String topic = "view-test-later-" + UUID.randomUUID();
    KafkaView view = view("later", new Recorder(), "dlq-" + topic, topic);
    assertFalse(view.awaitCaughtUp(Duration.ofSeconds(2)));
    assertTrue(view.status().targets().isEmpty());
    HealthCheckResponse waiting = KafkaViewsReadinessCheck.check(List.of(view));
    assertEquals(HealthCheckResponse.Status.DOWN, waiting.getStatus());
    assertEquals(
        "waiting for topics [" + topic + "]", waiting.getData().orElseThrow().get("later"));
    try (Admin admin = Admin.create(connection())) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
          .all()
          .get();
    }
    assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
  }

  @Test
  void waitingForATopicTheViewDoesNotReadIsAnError() throws Exception {
    String topic = topic(1);
    KafkaView view = view("other", new Recorder(), "dlq-" + topic, topic);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> view.awaitPosition(new RecordPosition("elsewhere", 0, 0), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("elsewhere"), e.getMessage());
  }

  @Test
  void aProjectionThatThrowsSendsTheRecordToTheDeadLetterTopicAndTheViewKeepsGoing()
      throws Exception {
    String topic = topic(1);
    var pub = publisher();
    pub.publish(topic, new CancelRequested("job-bad", null));
    RecordPosition good = pub.publish(topic, new CancelRequested("job-fine", null));
    Recorder rec = new Recorder();
    KafkaView view =
        view(
            "throws",
            (event, at) -> {
              if (event.key().equals("job-bad")) {
                throw new IllegalStateException("cannot fold job-bad");
              }
              rec.apply(event, at);
            },
            "dlq-" + topic,
            topic);
    assertTrue(view.awaitPosition(good, Duration.ofSeconds(30)));
    assertEquals(List.of("job-fine"), rec.keys());
    var dead = readAll("dlq-" + topic);
    assertEquals(1, dead.size());
    String reason = DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON);
    assertTrue(
        reason.contains("could not apply CancelRequested")
            && reason.contains("cannot fold job-bad"),
        reason);
  }

  @Test
  void aTombstoneRemovesTheKeyFromTheProjection() throws Exception {
    String topic = topic(1);
    publisher().publish(topic, new CancelRequested("job-gone", null));
    sendRaw(topic, "job-gone", null);
    List<String> removed = Collections.synchronizedList(new ArrayList<>());
    Recorder rec = new Recorder();
    KafkaView view =
        view(
            "tombstones",
            new ViewProjection() {
              @Override
              public void apply(EventEnvelope event, RecordPosition position) {
                rec.apply(event, position);
              }

              @Override
              public void remove(String key, RecordPosition position) {
                removed.add(key + "@" + position.offset());
              }
            },
            "dlq-" + topic,
            topic);
    assertTrue(view.awaitCaughtUp(Duration.ofSeconds(30)));
    assertEquals(List.of("job-gone"), rec.keys());
    assertEquals(List.of("job-gone@1"), removed);
    assertEquals(0, view.status().deadLettered());
  }

  @Test
  void aPublishTheBrokerDoesNotAcknowledgeFailsNamingTheTopic() {
    Map<String, Object> nowhere =
        Map.of(
            "bootstrap.servers",
            "127.0.0.1:" + Ports.free(),
            "max.block.ms",
            1000,
            "request.timeout.ms",
            1000,
            "delivery.timeout.ms",
            1500);
    try (var pub = new KafkaEventPublisher(nowhere, CODEC, "test")) {
      var e =
          assertThrows(
              PublishException.class,
              () -> pub.publish("some-topic", new CancelRequested("job-x", null)));
      assertTrue(
          e.getMessage().contains("did not acknowledge CancelRequested job-x on topic some-topic"),
          e.getMessage());
    }
  }

  @Test
  void aViewWhoseThreadDiedIsNotReady() throws Exception {
    String topic = topic(1);
    RecordPosition at = publisher().publish(topic, new CancelRequested("job-fatal", null));
    KafkaView view =
        view(
            "fatal",
            (event, position) -> {
              throw new AssertionError("a bug that is not an exception");
            },
            "dlq-" + topic,
            topic);
    for (int i = 0; i < 300 && view.failure() == null; i++) {
      Thread.sleep(100);
    }
    assertTrue(view.failure() instanceof AssertionError, String.valueOf(view.failure()));
    assertFalse(view.hasReached(at));
    HealthCheckResponse r = KafkaViewsReadinessCheck.check(List.of(view));
    assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
    assertTrue(
        ((String) r.getData().orElseThrow().get("fatal"))
            .startsWith("stopped: java.lang.AssertionError"));
  }
}
