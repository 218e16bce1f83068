package dev.tuneforge.llm.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One request inside a continuous batch: its prompt, settings, the cache slots its tokens occupy,
 * what it generated so far, and the future its caller waits on.
 */
final class ActiveSequence {
  final int[] prompt;
  final GenerationConfig config;
  final TokenListener listener;
  final CompletableFuture<Generation> result = new CompletableFuture<>();

  /** The same stream {@link Generator} gives row 0, so a seed samples as it does alone. */
  final SplittableRandom rng;

  final List<Integer> tokens = new ArrayList<>();

  /** Cache slots holding this sequence's tokens, in order (holes between them are masked). */
  final List<Integer> slots = new ArrayList<>();

  int row = -1;

  /** The token to feed at the next decode step (the last one sampled). */
  int pending;

  ActiveSequence(int[] prompt, GenerationConfig config, TokenListener listener) {
    this.prompt = prompt.clone();
    this.config = config;
    this.listener = listener == null ? TokenListener.NONE : listener;
    this.rng = new SplittableRandom(config.seed()).split();
  }

  /** Position id of the next token fed (prompt and generated tokens count, holes do not). */
  long nextPosition() {
    return slots.size();
  }

  /**
   * Records a sampled token: completes the future when it ends the sequence (eos, stop string,
   * length), otherwise streams it and keeps it as the next input.
   *
   * @return true when the sequence is finished
   */
  boolean accept(int token, Function<int[], String> decoder) {
    if (config.eosIds().contains(token)) {
      return finish(FinishReason.EOS, null, decoder);
    }
    tokens.add(token);
    listener.onToken(token);
    pending = token;
    if (!config.stopStrings().isEmpty()) {
      String text = decoder.apply(tokenArray());
      for (String stop : config.stopStrings()) {
        int at = text.indexOf(stop);
        if (at >= 0) {
          return finish(FinishReason.STOP_STRING, text.substring(0, at), decoder);
        }
      }
    }
    if (tokens.size() >= config.maxNewTokens()) {
      return finish(FinishReason.LENGTH, null, decoder);
    }
    return false;
  }

  boolean finish(FinishReason reason, String text, Function<int[], String> decoder) {
    int[] ids = tokenArray();
    String t = text != null ? text : decoder == null ? null : decoder.apply(ids);
    result.complete(new Generation(ids, t, reason));
    return true;
  }

  int[] tokenArray() {
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }
}
