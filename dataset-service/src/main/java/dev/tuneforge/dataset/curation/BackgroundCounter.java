package dev.tuneforge.dataset.curation;

import dev.tuneforge.dataset.curation.report.TokenLengths;
import dev.tuneforge.dataset.record.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts the tokens of written records for the report's histogram on a second thread, so the
 * tokenizer works while the pipeline reads, redacts and deduplicates the next records (on two cores
 * the pipeline's one thread leaves the other core idle). Only counts nothing waits for go here; a
 * count the length filter needs is taken on the pipeline's thread. At most two batches wait: when
 * the worker falls behind, the pipeline's thread counts the next batch itself, which bounds memory.
 */
final class BackgroundCounter implements AutoCloseable {

  /** Records per native call: enough for the tokenizer to spread one call over both cores. */
  private static final int BATCH = 512;

  private record Item(List<Message> messages, int level) {}

  private final TokenCounter tokens;
  private final TokenLengths lengths;
  private final ThreadPoolExecutor worker;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private List<Item> batch = new ArrayList<>(BATCH);

  BackgroundCounter(TokenCounter tokens, TokenLengths lengths) {
    this.tokens = tokens;
    this.lengths = lengths;
    this.worker =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(2),
            r -> {
              Thread t = new Thread(r, "curation-token-counter");
              t.setDaemon(true); // never keeps a JVM alive if a run is abandoned
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** Counts this written record's tokens, some time before {@link #finish()} returns. */
  void add(List<Message> messages, int level) {
    batch.add(new Item(messages, level));
    if (batch.size() == BATCH) {
      submit();
    }
  }

  /**
   * Waits until every added record is counted and in the histogram; rethrows a counting failure.
   */
  void finish() {
    if (!batch.isEmpty()) {
      submit();
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(1, TimeUnit.HOURS)) {
        throw new IllegalStateException(
            "token counting for the histogram did not finish within an hour");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for token counts", e);
    }
    Throwable t = failure.get();
    if (t != null) {
      throw t instanceof RuntimeException r
          ? r
          : new IllegalStateException("token counting failed: " + t, t);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }

  private void submit() {
    List<Item> items = batch;
    batch = new ArrayList<>(BATCH);
    worker.execute(() -> count(items));
  }

  private void count(List<Item> items) {
    try {
      List<String> texts = new ArrayList<>();
      for (Item item : items) {
        for (Message m : item.messages()) {
          texts.add(m.content());
        }
      }
      int[] counts = tokens.countAll(texts);
      int t = 0;
      for (Item item : items) {
        int count = 0;
        for (int i = 0; i < item.messages().size(); i++) {
          count += counts[t++];
        }
        lengths.written(count, item.level());
      }
    } catch (Throwable e) {
      failure.compareAndSet(null, e);
    }
  }
}
