package dev.tuneforge.evaluator.chat;

import dev.tuneforge.llm.generate.BatchedGenerator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One model ready to answer chats: the network, its tokenizer and chat template, and a batched
 * generator (one worker thread, one KV cache) that concurrent requests share. Reference counted:
 * once retired from the cache it closes when its last request ends, never under a running one.
 */
final class Served {
  final String key;
  final CausalLM model;
  final Tokenizer tokenizer;
  final ChatTemplate template;
  final BatchedGenerator generator;
  final int capacity;
  final Set<Integer> eos;
  private final AutoCloseable owner;
  private final Served base; // the loaded base an adapter shares, or null
  private int leases;
  private boolean retired;

  /**
   * @param owner closed last (the loaded model, or the adapter over a shared base)
   * @param base the served base whose weights this adapter shares (held until this closes)
   */
  Served(
      String key,
      CausalLM model,
      Tokenizer tokenizer,
      ChatTemplate template,
      AutoCloseable owner,
      Served base,
      int maxBatch,
      int context) {
    this.key = key;
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
    this.owner = owner;
    this.base = base;
    this.capacity = Math.min(model.config().maxPositionEmbeddings(), context);
    Set<Integer> ids = new LinkedHashSet<>(model.config().eosTokenIds());
    Arrays.stream(tokenizer.eosIds()).forEach(ids::add);
    this.eos = Set.copyOf(ids);
    this.generator =
        new BatchedGenerator(model, maxBatch, capacity, t -> tokenizer.decode(t, true));
    if (base != null) {
      base.acquire();
    }
  }

  /** The prompt's ids: the template adds the special tokens it wants, the tokenizer none. */
  int[] promptIds(List<ChatMessage> messages) {
    return tokenizer.encode(template.render(messages, true), false);
  }

  String decode(int[] ids) {
    return tokenizer.decode(ids, true);
  }

  synchronized void acquire() {
    if (retired && leases == 0) {
      throw new IllegalStateException("model " + key + " was unloaded");
    }
    leases++;
  }

  void release() {
    boolean close;
    synchronized (this) {
      leases--;
      close = retired && leases == 0;
    }
    if (close) {
      closeNow();
    }
  }

  /** Out of the cache: closes now if idle, else when the last request releases it. */
  void retire() {
    boolean close;
    synchronized (this) {
      retired = true;
      close = leases == 0;
    }
    if (close) {
      closeNow();
    }
  }

  private void closeNow() {
    try {
      generator.close();
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing " + key + ": " + e, e);
    } finally {
      if (base != null) {
        base.release();
      }
    }
  }
}
