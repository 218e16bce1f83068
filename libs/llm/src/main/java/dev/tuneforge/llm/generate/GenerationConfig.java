package dev.tuneforge.llm.generate;

import java.util.List;
import java.util.Set;

/**
 * Decoding settings.
 *
 * @param maxNewTokens upper bound on generated tokens
 * @param temperature 0 = greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP keep the smallest set of tokens whose probability reaches p (1 = off)
 * @param seed seeds the Java random generator that draws from the final probabilities
 * @param eosIds ids that end a sequence
 * @param stopStrings strings that end a sequence once they appear in the decoded text
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    long seed,
    Set<Integer> eosIds,
    List<String> stopStrings) {

  public GenerationConfig {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    eosIds = Set.copyOf(eosIds);
    stopStrings = List.copyOf(stopStrings);
  }

  public static GenerationConfig greedy(int maxNewTokens) {
    return new GenerationConfig(maxNewTokens, 0, 0, 1, 0, Set.of(), List.of());
  }

  public GenerationConfig withEos(Set<Integer> ids) {
    return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, ids, stopStrings);
  }

  public GenerationConfig withStopStrings(List<String> stops) {
    return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, eosIds, stops);
  }

  public GenerationConfig withSampling(double temperature, int topK, double topP, long seed) {
    return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, eosIds, stopStrings);
  }
}
