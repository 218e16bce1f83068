package dev.tuneforge.llm.train.data;

/**
 * What batching needs from a tokenizer: text to ids. The engine's {@code
 * dev.tuneforge.llm.tokenizer.Tokenizer} fits as {@code tokenizer::encode}.
 */
@FunctionalInterface
public interface TokenEncoder {

  /**
   * @param addSpecialTokens whether the tokenizer adds its own special tokens (BOS …), as HF's
   *     {@code add_special_tokens}
   */
  int[] encode(String text, boolean addSpecialTokens);
}
