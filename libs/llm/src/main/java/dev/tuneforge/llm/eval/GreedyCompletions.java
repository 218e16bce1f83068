package dev.tuneforge.llm.eval;

import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Greedy chat completions for evaluation: each chat is rendered with the model's chat template
 * (generation prompt added), completed by argmax decoding until an end-of-sequence id (the model
 * config's and the tokenizer's) or {@code maxNewTokens}, and decoded without special tokens. The
 * one place evaluation calls the generator, so a faster decoding path is switched in here.
 */
public final class GreedyCompletions {
  private final CausalLM model;
  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final GenerationConfig greedy;
  private final int batchSize;

  public GreedyCompletions(
      CausalLM model, Tokenizer tokenizer, ChatTemplate template, int maxNewTokens, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Set<Integer> eos = new LinkedHashSet<>(model.config().eosTokenIds());
    Arrays.stream(tokenizer.eosIds()).forEach(eos::add);
    if (eos.isEmpty()) {
      throw new IllegalArgumentException(
          "neither the model config nor the tokenizer names an end-of-sequence"
              + " token; completions would always run to maxNewTokens");
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
    this.greedy = GenerationConfig.greedy(maxNewTokens).withEos(eos);
    this.batchSize = batchSize;
  }

  /** The prompt's token ids: the template adds any special tokens it wants, the tokenizer none. */
  public int[] promptIds(List<ChatMessage> chat) {
    return tokenizer.encode(template.render(chat, true), false);
  }

  /** One completion per chat, in order, generated {@code batchSize} chats at a time. */
  public List<Generation> complete(List<List<ChatMessage>> chats) {
    return complete(chats, done -> {});
  }

  /**
   * As {@link #complete(List)}, telling {@code progress} how many chats are completed after each
   * batch (an evaluation of thousands of prompts runs for minutes and reports where it is).
   */
  public List<Generation> complete(List<List<ChatMessage>> chats, IntConsumer progress) {
    Generator generator = new Generator(model);
    List<Generation> out = new ArrayList<>(chats.size());
    for (int from = 0; from < chats.size(); from += batchSize) {
      List<int[]> prompts = new ArrayList<>();
      for (List<ChatMessage> chat : chats.subList(from, Math.min(chats.size(), from + batchSize))) {
        prompts.add(promptIds(chat));
      }
      out.addAll(generator.generate(prompts, greedy, ids -> tokenizer.decode(ids, true)));
      progress.accept(out.size());
    }
    return out;
  }
}
