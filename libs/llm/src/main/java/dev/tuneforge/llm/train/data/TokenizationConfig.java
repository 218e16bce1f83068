package dev.tuneforge.llm.train.data;

/**
 * How examples become tokens.
 *
 * @param sequenceLen maximum tokens per example (and per packed row); longer examples are cut at
 *     the end
 * @param trainOnInputs also take the loss on prompts, system and user turns (Axolotl's {@code
 *     train_on_inputs}); assistant turns with weight 0 stay masked
 * @param eosId appended to text and completion examples so the model learns to stop (chat templates
 *     close their turns themselves); negative = append nothing
 */
public record TokenizationConfig(int sequenceLen, boolean trainOnInputs, int eosId) {

  public TokenizationConfig {
    if (sequenceLen < 2) {
      throw new IllegalArgumentException("sequence_len must be >= 2, got " + sequenceLen);
    }
  }
}
