package dev.tuneforge.llm.eval;

import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact match of greedy chat completions: each prompt is rendered with the model's chat template
 * (generation prompt added), completed greedily until an end-of-sequence token, and counted correct
 * when the completion equals the reference after trimming surrounding whitespace (lm-eval's {@code
 * exact_match} with {@code strip}; no case folding, no punctuation removal).
 */
public final class ExactMatch {

  /** One question: the chat up to the user's turn and the expected assistant reply. */
  public record Item(List<ChatMessage> prompt, String expected) {
    public Item {
      prompt = List.copyOf(prompt);
    }
  }

  /** The completions in item order and how many matched. */
  public record Result(List<String> completions, int correct) {
    public Result {
      completions = List.copyOf(completions);
    }

    public int total() {
      return completions.size();
    }

    /** Fraction correct, {@code 0..1} (0 for no items). */
    public double rate() {
      return completions.isEmpty() ? 0 : (double) correct / completions.size();
    }
  }

  private ExactMatch() {}

  /** Whether {@code completion} is {@code expected}, ignoring surrounding whitespace. */
  public static boolean matches(String completion, String expected) {
    return completion.strip().equals(expected.strip());
  }

  /**
   * Completes every item greedily (in batches of {@code batchSize}) and scores it.
   *
   * @param maxNewTokens cap per completion; a reference longer than this can never match
   */
  public static Result evaluate(
      CausalLM model,
      Tokenizer tokenizer,
      ChatTemplate template,
      List<Item> items,
      int maxNewTokens,
      int batchSize) {
    List<Generation> out =
        new GreedyCompletions(model, tokenizer, template, maxNewTokens, batchSize)
            .complete(items.stream().map(Item::prompt).toList());
    List<String> completions = new ArrayList<>();
    int correct = 0;
    for (int i = 0; i < items.size(); i++) {
      String text = out.get(i).text();
      completions.add(text);
      correct += matches(text, items.get(i).expected()) ? 1 : 0;
    }
    return new Result(completions, correct);
  }
}
