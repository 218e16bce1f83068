package dev.tuneforge.trainer.files;

import dev.tuneforge.events.DatasetCurated;
import dev.tuneforge.events.DatasetCurationRequested;
import dev.tuneforge.events.DatasetRejected;
import dev.tuneforge.events.EventCodec;
import dev.tuneforge.events.Topics;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.testing.TestKafka;
import dev.tuneforge.trainer.TestBucket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * dataset-service's side of a curation requested over Kafka, standing in for it on the real broker
 * and bucket (the trainer's tests run one Quarkus app): each DatasetCurationRequested is answered
 * as dataset-service's handler answers it — the file's records stored as version v1 of the dataset
 * named in the request, with the manifest fields dataset-service writes, then DatasetCurated with
 * the request id; a file of fewer than 10 records is answered DatasetRejected with dataset
 * -service's min_train_records reason. A test may {@link #hold} a file's answer, to stand in for a
 * slow curation, and {@link #release} it. dataset-service's own tests cover its curation of such a
 * request (DatasetsApiTest.curationRequestedOverKafkaIsAnsweredWithItsRequestId).
 */
final class CurationStandIn implements AutoCloseable {

  private final ArtifactStore artifacts;
  private final Map<String, AtomicInteger> requestsPerDataset = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  private final String team;

  /** Answers the requests of {@code team} (the broker is shared with other test classes). */
  CurationStandIn(ArtifactStore artifacts, String team) {
    this.artifacts = artifacts;
    this.team = team;
    this.thread = new Thread(this::run, "curation-stand-in");
    thread.setDaemon(true);
    thread.start();
  }

  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final List<DatasetCurationRequested> deferred = new CopyOnWriteArrayList<>();

  /** Curation requests for file {@code fileId} go unanswered until {@link #release}. */
  void hold(String fileId) {
    held.add(fileId);
  }

  /** Answers the held requests for {@code fileId}, and later ones at once. */
  synchronized void release(String fileId) {
    held.remove(fileId);
    for (DatasetCurationRequested q : deferred) {
      if (q.fileIds().contains(fileId)) {
        deferred.remove(q);
        answer(q);
      }
    }
  }

  /** How many curation requests named dataset {@code name}, answered or held. */
  int requests(String name) {
    return requestsPerDataset.getOrDefault(name, new AtomicInteger()).get();
  }

  private void run() {
    EventCodec codec = new EventCodec();
    try (var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "stand-in-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      c.subscribe(List.of(Topics.DATASET_REQUESTS));
      while (!closed) {
        for (var r : c.poll(Duration.ofMillis(100))) {
          if (codec.decode(r.value()).payload() instanceof DatasetCurationRequested q
              && team.equals(q.team())) {
            received(q);
          }
        }
      }
    }
  }

  private synchronized void received(DatasetCurationRequested q) {
    requestsPerDataset.computeIfAbsent(q.name(), k -> new AtomicInteger()).incrementAndGet();
    if (q.fileIds().stream().anyMatch(held::contains)) {
      deferred.add(q);
    } else {
      answer(q);
    }
  }

  private void answer(DatasetCurationRequested q) {
    String content =
        new String(
            artifacts.objects().getBytes(BucketLayout.fileContent(q.fileIds().get(0))),
            StandardCharsets.UTF_8);
    long records = content.lines().filter(l -> !l.isBlank()).count();
    if (records < 10) {
      TestKafka.send(
          Topics.DATASET_EVENTS,
          new DatasetRejected(
              q.team(),
              q.name(),
              List.of(
                  "min_train_records: only "
                      + records
                      + " training record(s) left after curation, at least 10 needed"),
              q.fileIds(),
              q.requestId()));
      return;
    }
    TestBucket.publishDataset(artifacts, q.team(), q.name(), "v1", content);
    TestKafka.send(
        Topics.DATASET_EVENTS,
        new DatasetCurated(
            q.team(),
            q.name(),
            "v1",
            "hash",
            records,
            0,
            0,
            artifacts.objects().uri(BucketLayout.dataset(q.name(), "v1")),
            q.fileIds(),
            q.requestId()));
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.join(5000);
  }
}
