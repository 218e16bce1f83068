package dev.tuneforge.platform.view;

import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.EventDecodingException;
import dev.tuneforge.events.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's queryable state, rebuilt from Kafka: at start it reads its topics from the beginning
 * (partitions assigned by hand, no consumer group, nothing committed) and folds every event into a
 * {@link ViewProjection}, then keeps following the topics on its own thread. It is {@link
 * #caughtUp()} once it has reached the end offsets it saw at start; a record it cannot decode goes
 * to the dead-letter topic and the view keeps going; an {@code eventId} seen before is not applied
 * again.
 *
 * <pre>{@code
 * KafkaView view = KafkaView.builder("jobs")
 *     .connection(Map.of("bootstrap.servers", "127.0.0.1:9092"))
 *     .topics(Topics.TRAINING_REQUESTS, Topics.TRAINING_EVENTS)
 *     .deadLetterTopic(Topics.deadLetter("trainer-service"))
 *     .projection(ledger)
 *     .start();
 * view.awaitCaughtUp(Duration.ofSeconds(30));
 * }</pre>
 */
public final class KafkaView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaView.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final String name;
  private final List<String> topics;
  private final ViewProjection projection;
  private final EventCodec codec;
  private final Map<String, Object> connection;
  private final DeadLetters deadLetters;
  private final Duration pollTimeout;
  private final Duration partitionRefresh;
  private final Map<String, Boolean> seenEventIds;

  /** Next offset to read per partition; written by the view thread only. */
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

  /** End offsets seen at start-up; null until the view has found all its topics. */
  private volatile Map<TopicPartition, Long> targets;

  private volatile boolean caughtUp;
  private volatile boolean closed;
  private volatile Throwable failure;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final Object progress = new Object();
  private final Object pause = new Object();
  private final Thread thread;

  private KafkaView(Builder b) {
    this.name = b.name;
    this.topics = List.copyOf(b.topics);
    this.projection = b.projection;
    this.codec = b.codec;
    this.connection = Map.copyOf(b.connection);
    this.deadLetters = new DeadLetters(b.deadLetterTopic, b.name, this.connection);
    this.pollTimeout = b.pollTimeout;
    this.partitionRefresh = b.partitionRefresh;
    int max = b.maxRememberedEventIds;
    // Insertion-ordered and bounded: duplicates arrive close to the original (a producer or a
    // client retrying), so forgetting the oldest ids first is safe and keeps memory flat.
    this.seenEventIds =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > max;
          }
        };
    this.thread = new Thread(this::run, "kafka-view-" + name);
    this.thread.setDaemon(true);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Starts reading on the view's own thread and returns at once; see {@link #awaitCaughtUp}. */
  public KafkaView start() {
    thread.start();
    return this;
  }

  public String name() {
    return name;
  }

  public List<String> topics() {
    return topics;
  }

  public String deadLetterTopic() {
    return deadLetters.topic();
  }

  /** True once the view has applied every record up to the end offsets it saw at start-up. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Waits until {@link #caughtUp()}; returns whether it is. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return await(this::caughtUp, timeout);
  }

  /**
   * Waits until the view has applied (or dead-lettered, or skipped as a duplicate) the record at
   * {@code position}: the read-your-writes step after publishing. Returns whether it has.
   *
   * @throws IllegalArgumentException if this view does not read {@code position.topic()}
   */
  public boolean awaitPosition(RecordPosition position, Duration timeout)
      throws InterruptedException {
    if (!topics.contains(position.topic())) {
      throw new IllegalArgumentException(
          "view " + name + " reads " + topics + ", not topic '" + position.topic() + "'");
    }
    TopicPartition tp = new TopicPartition(position.topic(), position.partition());
    return await(() -> positions.getOrDefault(tp, -1L) > position.offset(), timeout);
  }

  /** Whether the view has already applied the record at {@code position}. */
  public boolean hasReached(RecordPosition position) {
    return positions.getOrDefault(new TopicPartition(position.topic(), position.partition()), -1L)
        > position.offset();
  }

  private boolean await(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          return condition.getAsBoolean();
        }
        progress.wait(Math.max(1, left / 1_000_000), 0);
      }
      return true;
    }
  }

  /**
   * Why the view stopped following its topics on its own, or null while it runs (or was closed).
   */
  public Throwable failure() {
    return failure;
  }

  public ViewStatus status() {
    Map<String, Long> pos = new TreeMap<>();
    positions.forEach((tp, o) -> pos.put(tp.toString(), o));
    Map<String, Long> tgt = new TreeMap<>();
    Map<TopicPartition, Long> t = targets;
    if (t != null) {
      t.forEach((tp, o) -> tgt.put(tp.toString(), o));
    }
    return new ViewStatus(
        name, caughtUp, pos, tgt, applied.get(), duplicates.get(), deadLettered.get());
  }

  /** Stops following the topics; the state built so far stays readable. */
  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    synchronized (pause) {
      pause.notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  // ---- the view thread ----

  private void run() {
    try {
      loadDeadLetters();
      consumer = KafkaClients.groupless(connection, "view-" + name);
      if (closed) {
        return;
      }
      List<TopicPartition> assigned = assignAll();
      long nextRefresh = System.nanoTime() + partitionRefresh.toNanos();
      while (!closed) {
        try {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
          for (TopicPartition tp : records.partitions()) {
            applyPartition(tp, records.records(tp));
          }
          advance(assigned);
          if (System.nanoTime() > nextRefresh) {
            assigned = refreshPartitions(assigned);
            nextRefresh = System.nanoTime() + partitionRefresh.toNanos();
          }
        } catch (WakeupException | InterruptException e) {
          if (!closed) {
            throw e;
          }
        } catch (KafkaException e) {
          // The client retries connections by itself; anything that surfaces here (an
          // authorization error, a failed dead-letter write) is retried after a pause.
          LOG.warn("view {}: {}; retrying", name, e.toString());
          sleep(RETRY);
        }
      }
    } catch (InterruptedException | WakeupException | InterruptException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
      LOG.error("view {} stopped: {}", name, t.toString(), t);
    } finally {
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.close(Duration.ofSeconds(5));
      }
      deadLetters.close();
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  private void loadDeadLetters() throws InterruptedException {
    while (!closed) {
      try {
        deadLetters.loadAlreadySent(Duration.ofSeconds(30));
        return;
      } catch (KafkaException e) {
        LOG.warn(
            "view {}: cannot read dead-letter topic {} yet: {}",
            name,
            deadLetters.topic(),
            e.toString());
        sleep(RETRY);
      }
    }
  }

  /** Assigns every partition of every topic, from the beginning; waits for topics to exist. */
  private List<TopicPartition> assignAll() throws InterruptedException {
    boolean warned = false;
    while (!closed) {
      List<TopicPartition> all = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      try {
        for (String topic : topics) {
          List<TopicPartition> p = KafkaClients.partitions(consumer, topic);
          if (p.isEmpty()) {
            missing.add(topic);
          }
          all.addAll(p);
        }
      } catch (KafkaException e) {
        missing.add(e.toString());
      }
      if (missing.isEmpty()) {
        consumer.assign(all);
        consumer.seekToBeginning(all);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(all));
        for (TopicPartition tp : all) {
          positions.put(tp, consumer.position(tp));
        }
        targets = Map.copyOf(end);
        LOG.info("view {}: reading {} from the beginning up to {}", name, topics, end);
        checkCaughtUp();
        return all;
      }
      if (!warned) {
        LOG.warn("view {}: waiting for {} (not caught up until they exist)", name, missing);
        warned = true;
      }
      sleep(RETRY);
    }
    throw new InterruptedException("closed");
  }

  /** Picks up partitions added to a topic since start-up, reading them from the beginning. */
  private List<TopicPartition> refreshPartitions(List<TopicPartition> assigned) {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : topics) {
      all.addAll(KafkaClients.partitions(consumer, topic));
    }
    List<TopicPartition> added = all.stream().filter(tp -> !assigned.contains(tp)).toList();
    if (added.isEmpty()) {
      return assigned;
    }
    List<TopicPartition> next = new ArrayList<>(assigned);
    next.addAll(added);
    consumer.assign(next);
    consumer.seekToBeginning(added);
    LOG.info("view {}: new partitions {}", name, added);
    return next;
  }

  private void applyPartition(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records)
      throws InterruptedException {
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        apply(r);
      } catch (RuntimeException e) {
        // Not the record's fault (the dead-letter topic could not be written): read it again.
        consumer.seek(tp, r.offset());
        LOG.warn(
            "view {}: cannot handle {}-{}@{}: {}; retrying",
            name,
            r.topic(),
            r.partition(),
            r.offset(),
            e.toString());
        sleep(RETRY);
        return;
      }
      positions.put(tp, r.offset() + 1);
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) throws InterruptedException {
    RecordPosition at = new RecordPosition(r.topic(), r.partition(), r.offset());
    if (r.value() == null) {
      if (r.key() == null) {
        deadLetter(r, "record has neither key nor value", null);
      } else {
        projection.remove(new String(r.key(), StandardCharsets.UTF_8), at);
      }
      return;
    }
    EventEnvelope event;
    try {
      event = codec.decode(r.value());
    } catch (EventDecodingException e) {
      deadLetter(r, e.getMessage(), e);
      return;
    }
    if (seenEventIds.put(event.eventId(), Boolean.TRUE) != null) {
      duplicates.incrementAndGet();
      return;
    }
    try {
      projection.apply(event, at);
      applied.incrementAndGet();
    } catch (RuntimeException e) {
      LOG.error(
          "view {}: projection failed on {} ({} {})", name, at, event.type(), event.eventId(), e);
      // Not seen after all: if the dead-letter write fails, the retry of this record must get here
      // again.
      seenEventIds.remove(event.eventId());
      deadLetter(r, "view " + name + " could not apply " + event.type() + ": " + e, e);
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, Throwable cause)
      throws InterruptedException {
    if (deadLetters.send(r, reason, cause)) {
      deadLettered.incrementAndGet();
      LOG.warn(
          "view {}: {}-{}@{} moved to {}: {}",
          name,
          r.topic(),
          r.partition(),
          r.offset(),
          deadLetters.topic(),
          reason);
    }
  }

  /** Records how far the consumer got (past compacted gaps and transaction markers too). */
  private void advance(List<TopicPartition> assigned) {
    for (TopicPartition tp : assigned) {
      positions.put(tp, consumer.position(tp));
    }
    checkCaughtUp();
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  private void checkCaughtUp() {
    Map<TopicPartition, Long> t = targets;
    if (caughtUp || t == null) {
      return;
    }
    for (var e : t.entrySet()) {
      if (positions.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return;
      }
    }
    caughtUp = true;
    LOG.info(
        "view {}: caught up ({} applied, {} duplicates, {} dead-lettered)",
        name,
        applied.get(),
        duplicates.get(),
        deadLettered.get());
  }

  /** A pause that {@link #close()} cuts short (interrupting would break the clients' own close). */
  private void sleep(Duration d) throws InterruptedException {
    synchronized (pause) {
      if (!closed) {
        pause.wait(d.toMillis());
      }
    }
  }

  /** How a view is configured; {@link #start()} builds and starts it. */
  public static final class Builder {
    private final String name;
    private final List<String> topics = new ArrayList<>();
    private final Map<String, Object> connection = new HashMap<>();
    private ViewProjection projection;
    private EventCodec codec = new EventCodec();
    private String deadLetterTopic;
    private Duration pollTimeout = Duration.ofMillis(200);
    private Duration partitionRefresh = Duration.ofSeconds(30);
    private int maxRememberedEventIds = 1_000_000;

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a view needs a name");
      }
      this.name = name;
    }

    /** Kafka client settings shared by the view's consumer and dead-letter producer. */
    public Builder connection(Map<String, ?> settings) {
      connection.putAll(settings);
      return this;
    }

    public Builder bootstrapServers(String servers) {
      connection.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
      return this;
    }

    public Builder topics(String... names) {
      return topics(List.of(names));
    }

    public Builder topics(List<String> names) {
      for (String t : names) {
        if (t == null || t.isBlank()) {
          throw new IllegalArgumentException("view " + name + ": blank topic name in " + names);
        }
        if (!topics.contains(t)) {
          topics.add(t);
        }
      }
      return this;
    }

    public Builder projection(ViewProjection projection) {
      this.projection = projection;
      return this;
    }

    public Builder codec(EventCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Where undecodable records go: the service's {@code Topics.deadLetter(service)}. */
    public Builder deadLetterTopic(String topic) {
      this.deadLetterTopic = topic;
      return this;
    }

    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = Objects.requireNonNull(timeout, "pollTimeout");
      return this;
    }

    /** How often the view looks for partitions added to its topics (default 30 s). */
    public Builder partitionRefresh(Duration every) {
      this.partitionRefresh = Objects.requireNonNull(every, "partitionRefresh");
      return this;
    }

    /** How many recent eventIds the view remembers to drop duplicates (default 1,000,000). */
    public Builder maxRememberedEventIds(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRememberedEventIds must be >= 1, got " + max);
      }
      this.maxRememberedEventIds = max;
      return this;
    }

    public KafkaView build() {
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("view " + name + ": no topics");
      }
      if (projection == null) {
        throw new IllegalArgumentException("view " + name + ": no projection");
      }
      if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
        throw new IllegalArgumentException("view " + name + ": no dead-letter topic");
      }
      if (topics.contains(deadLetterTopic)) {
        throw new IllegalArgumentException(
            "view " + name + ": reads its own dead-letter topic " + deadLetterTopic);
      }
      if (!connection.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalArgumentException("view " + name + ": no bootstrap.servers");
      }
      return new KafkaView(this);
    }

    public KafkaView start() {
      return build().start();
    }
  }
}
