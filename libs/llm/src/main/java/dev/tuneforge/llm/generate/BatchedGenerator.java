package dev.tuneforge.llm.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.KvCache;
import dev.tuneforge.llm.model.Masks;
import dev.tuneforge.llm.model.NoGrad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Function;

/**
 * Continuous batching: requests are submitted at any time and join the running batch at the next
 * step, so one decode forward serves every active sequence (what the evaluator and concurrent chat
 * completions use). One worker thread owns the model's KV cache of {@code maxBatch} rows; a
 * newcomer takes a free row, its prompt is prefilled into fresh slots of the shared slot timeline
 * (other rows' slots of that span stay masked), and from then on it decodes with the others.
 * Finished, cancelled or failed rows free their row at once.
 *
 * <p>Each sequence sees only its own slots, with position ids counting its own tokens, so its
 * greedy tokens are those of generating it alone (up to float rounding of batched products; the
 * test checks equality). Sampling uses per-request seeds, drawn as {@link Generator} draws row 0.
 * When the timeline reaches the cache capacity, the holes are squeezed out ({@link
 * KvCache#compact}) and it restarts lower.
 *
 * <pre>{@code
 * try (BatchedGenerator g = new BatchedGenerator(model, 32, 2048, tokenizer::decode)) {
 *   CompletableFuture<Generation> f = g.submit(promptIds, config, token -> stream.send(token));
 *   Generation done = f.join(); // f.cancel(true) frees the row, e.g. when the client disconnects
 * }
 * }</pre>
 */
public final class BatchedGenerator implements AutoCloseable {
  private static final int PAD_ID = 0;

  /** Newcomers prefilled per forward when many arrive at once (sorted by length). */
  private static final int PREFILL_BUCKET = 8;

  private final CausalLM model;
  private final int maxBatch;
  private final int capacity;
  private final Function<int[], String> decoder;
  private final LinkedBlockingDeque<ActiveSequence> queue = new LinkedBlockingDeque<>();
  private final ActiveSequence[] rows;
  private final boolean[][] valid; // [row][slot]: slot holds a token of the row's current sequence
  private final Thread worker;
  private volatile boolean closed;
  private volatile int steps; // decode forwards run (for tests and benchmarks)
  private volatile int compactions;
  private volatile long decodeNanos; // time in decode steps (forward + sampling)
  private volatile long decodeTokens; // tokens sampled by decode steps
  private final Object admission = new Object();

  /**
   * @param maxBatch rows decoded together
   * @param capacity cache slots per row; a request needs {@code prompt + maxNewTokens <= capacity}
   * @param decoder ids to text, needed for stop strings and {@link Generation#text()}; or null
   */
  public BatchedGenerator(
      CausalLM model, int maxBatch, int capacity, Function<int[], String> decoder) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be >= 2, got " + capacity);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    this.capacity = capacity;
    this.decoder = decoder;
    this.rows = new ActiveSequence[maxBatch];
    this.valid = new boolean[maxBatch][capacity];
    this.worker = new Thread(this::run, "batched-generator");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues a prompt; it joins the batch at the next step.
   *
   * @param listener called with each token as it is sampled (null for none)
   * @return completes with the generation, or exceptionally if the engine fails or is closed
   */
  public CompletableFuture<Generation> submit(
      int[] prompt, GenerationConfig config, TokenListener listener) {
    if (closed) {
      throw new IllegalStateException("generator is closed");
    }
    if (prompt.length == 0) {
      throw new IllegalArgumentException("prompt: empty");
    }
    int vocab = model.config().vocabSize();
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] < 0 || prompt[i] >= vocab) {
        throw new IllegalArgumentException(
            "prompt[" + i + "]: token id " + prompt[i] + " outside the vocabulary of " + vocab);
      }
    }
    if ((long) prompt.length + config.maxNewTokens() > capacity) {
      throw new IllegalArgumentException(
          "max_new_tokens: prompt ("
              + prompt.length
              + ") + max_new_tokens ("
              + config.maxNewTokens()
              + ") exceed the generator's capacity of "
              + capacity
              + " tokens");
    }
    if (!config.stopStrings().isEmpty() && decoder == null) {
      throw new IllegalArgumentException(
          "stop: stop strings need a generator built with a decoder");
    }
    ActiveSequence s = new ActiveSequence(prompt, config, listener);
    if (config.maxNewTokens() == 0) {
      s.finish(FinishReason.LENGTH, null, decoder);
      return s.result;
    }
    queue.add(s);
    if (closed) { // closed between the check and the add: the worker may have drained already
      s.result.completeExceptionally(new CancellationException("generator closed"));
    }
    return s.result;
  }

  /** Submits every prompt with the same settings and waits for all (the evaluator's batch call). */
  public List<Generation> generateAll(List<int[]> prompts, GenerationConfig config) {
    List<CompletableFuture<Generation>> futures = new ArrayList<>();
    synchronized (admission) { // all join at the same step (one prefill), not in waves
      for (int[] p : prompts) {
        futures.add(submit(p, config, null));
      }
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /** Decode forwards run so far. */
  public int decodeSteps() {
    return steps;
  }

  /** Tokens per second of the decode steps alone (prefill excluded), since construction. */
  public double decodeTokensPerSecond() {
    return decodeNanos == 0 ? 0 : decodeTokens / (decodeNanos / 1e9);
  }

  /** Times the cache was compacted. */
  public int compactions() {
    return compactions;
  }

  private void run() {
    try (NoGrad noGrad = NoGrad.enter();
        KvCache cache = new KvCache(model.manager(), model.config(), maxBatch, capacity)) {
      while (!closed) {
        try {
          if (active() == 0) {
            cache.setLength(0);
            queue.putFirst(queue.takeFirst()); // idle: block until work arrives, keep its place
          }
          synchronized (admission) {
            admit(cache);
          }
          dropCancelled();
          if (active() > 0) {
            decode(cache);
          }
        } catch (InterruptedException e) {
          break;
        } catch (RuntimeException | Error e) {
          failAll(e); // a broken step must not leave callers waiting
          cache.setLength(0);
        }
      }
    }
    failAll(new CancellationException("generator closed"));
  }

  private int active() {
    int n = 0;
    for (ActiveSequence s : rows) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  private void dropCancelled() {
    for (int r = 0; r < maxBatch; r++) {
      if (rows[r] != null && rows[r].result.isDone()) {
        free(r);
      }
    }
  }

  /** Moves queued requests into free rows and prefills them together. */
  private void admit(KvCache cache) {
    List<ActiveSequence> group = new ArrayList<>();
    int width = 0;
    while (!queue.isEmpty() && active() < maxBatch) { // group members already hold rows
      ActiveSequence next = queue.peek();
      if (next.result.isDone()) { // cancelled while queued
        queue.poll();
        continue;
      }
      int w = Math.max(width, next.prompt.length);
      if (cache.length() + w > capacity) {
        compact(cache);
        if (cache.length() + w > capacity) {
          break; // wait for rows to finish
        }
      }
      queue.poll();
      width = w;
      for (int r = 0; r < maxBatch; r++) {
        if (rows[r] == null) {
          rows[r] = next;
          next.row = r;
          break;
        }
      }
      group.add(next);
    }
    if (group.isEmpty()) {
      return;
    }
    List<List<ActiveSequence>> buckets = buckets(group);
    int span = buckets.stream().mapToInt(BatchedGenerator::width).sum();
    if (buckets.size() == 1 || cache.length() + span > capacity) {
      prefill(cache, group, width);
      return;
    }
    for (List<ActiveSequence> bucket : buckets) {
      prefill(cache, bucket, width(bucket));
    }
  }

  /**
   * Splits newcomers into prefill buckets of similar length: one forward pads every prompt to the
   * longest, so 32 prompts of 16–128 tokens padded together would compute ~1.8x their positions.
   * Rows are reassigned in length order so each bucket is a contiguous row range (a bucket's
   * forward covers its rows only). Each bucket advances the shared timeline by its own width, which
   * costs masked slots, cheap next to the padded projections saved.
   */
  private List<List<ActiveSequence>> buckets(List<ActiveSequence> group) {
    if (group.size() <= PREFILL_BUCKET) {
      return List.of(group);
    }
    int[] freed = group.stream().mapToInt(s -> s.row).sorted().toArray();
    List<ActiveSequence> sorted = new ArrayList<>(group);
    sorted.sort(java.util.Comparator.comparingInt(s -> s.prompt.length));
    for (int i = 0; i < sorted.size(); i++) {
      sorted.get(i).row = freed[i];
      rows[freed[i]] = sorted.get(i);
    }
    List<List<ActiveSequence>> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i += PREFILL_BUCKET) {
      out.add(sorted.subList(i, Math.min(sorted.size(), i + PREFILL_BUCKET)));
    }
    return out;
  }

  private static int width(List<ActiveSequence> bucket) {
    return bucket.stream().mapToInt(s -> s.prompt.length).max().orElse(0);
  }

  /**
   * One forward of width {@code w} over the row range holding the newcomers (left-padded into slots
   * {@code [t, t+w)}); other rows in that range get masked padding, their slots of the span stay
   * invalid.
   */
  private void prefill(KvCache cache, List<ActiveSequence> group, int w) {
    int lo = group.stream().mapToInt(s -> s.row).min().orElseThrow();
    int hi = group.stream().mapToInt(s -> s.row).max().orElseThrow() + 1;
    int t = cache.length();
    int b = hi - lo;
    long[][] ids = new long[b][w];
    long[][] pos = new long[b][w];
    boolean[][] keys = new boolean[b][];
    for (ActiveSequence s : group) {
      int i = s.row - lo;
      int pad = w - s.prompt.length;
      for (int j = 0; j < s.prompt.length; j++) {
        ids[i][pad + j] = s.prompt[j];
        pos[i][pad + j] = j;
        valid[s.row][t + pad + j] = true;
        s.slots.add(t + pad + j);
      }
    }
    for (int i = 0; i < b; i++) {
      keys[i] = valid[lo + i];
      if (rows[lo + i] != null && !group.contains(rows[lo + i])) {
        Arrays.fill(pos[i], 1); // an ongoing row: fully masked padding in this span
      }
    }
    float[] logits;
    try (KvCache view = cache.rows(lo, hi);
        NDManager step = model.newStepManager()) {
      NDArray bias = Masks.bias(step, keys, w, t + w, model.config().slidingWindow());
      logits =
          model
              .forward(step, Masks.longs(step, ids), Masks.longs(step, pos), bias, view, true)
              .toFloatArray(); // [b, 1, V]
    }
    int vocab = model.config().vocabSize();
    for (ActiveSequence s : group) {
      int token = Sampler.sample(logits, (s.row - lo) * vocab, vocab, s.config, s.rng);
      if (s.accept(token, decoder)) {
        free(s.row);
      }
    }
  }

  /** One token for every active row. */
  private void decode(KvCache cache) {
    if (cache.length() >= capacity) {
      compact(cache);
    }
    int hi = 0;
    for (int r = 0; r < maxBatch; r++) {
      if (rows[r] != null) {
        hi = r + 1;
      }
    }
    long t0 = System.nanoTime();
    int slot = cache.length();
    long[][] ids = new long[hi][1];
    long[][] pos = new long[hi][1];
    boolean greedy = true;
    for (int r = 0; r < hi; r++) {
      ActiveSequence s = rows[r];
      if (s == null) {
        pos[r][0] = 1;
        continue;
      }
      ids[r][0] = s.pending;
      pos[r][0] = s.nextPosition();
      valid[r][slot] = true;
      s.slots.add(slot);
      greedy &= s.config.temperature() == 0;
    }
    int vocab = model.config().vocabSize();
    float[] logits = null;
    long[] argmax = null;
    try (KvCache view = cache.rows(0, hi);
        NDManager step = model.newStepManager()) {
      NDArray bias =
          Masks.bias(step, Arrays.copyOf(valid, hi), 1, slot + 1, model.config().slidingWindow());
      NDArray out =
          model.forward(
              step, Masks.longs(step, ids), Masks.longs(step, pos), bias, view, true); // [hi, 1, V]
      if (greedy) {
        argmax = out.argMax(-1).toLongArray(); // [hi]: read back hi ids, not hi·V floats
      } else {
        logits = out.toFloatArray();
      }
    }
    steps++;
    for (int r = 0; r < hi; r++) {
      ActiveSequence s = rows[r];
      if (s == null) {
        continue;
      }
      int token =
          greedy ? (int) argmax[r] : Sampler.sample(logits, r * vocab, vocab, s.config, s.rng);
      decodeTokens++;
      if (s.accept(token, decoder)) {
        free(r);
      }
    }
    decodeNanos += System.nanoTime() - t0;
  }

  /** Squeezes the masked holes out of every row; the timeline restarts after the longest row. */
  private void compact(KvCache cache) {
    int[][] from = new int[maxBatch][];
    int longest = 0;
    for (int r = 0; r < maxBatch; r++) {
      ActiveSequence s = rows[r];
      from[r] = s == null ? new int[0] : s.slots.stream().mapToInt(Integer::intValue).toArray();
      longest = Math.max(longest, from[r].length);
    }
    cache.compact(from);
    for (int r = 0; r < maxBatch; r++) {
      Arrays.fill(valid[r], false);
      ActiveSequence s = rows[r];
      if (s != null) {
        s.slots.clear();
        for (int j = 0; j < from[r].length; j++) {
          valid[r][j] = true;
          s.slots.add(j);
        }
      }
    }
    cache.setLength(longest);
    compactions++;
  }

  private void free(int r) {
    rows[r] = null;
    Arrays.fill(valid[r], false);
  }

  private void failAll(Throwable e) {
    for (int r = 0; r < maxBatch; r++) {
      if (rows[r] != null) {
        rows[r].result.completeExceptionally(e);
        free(r);
      }
    }
    ActiveSequence s;
    while ((s = queue.poll()) != null) {
      s.result.completeExceptionally(e);
    }
  }

  /** Stops the worker; requests still running or queued complete exceptionally. */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
