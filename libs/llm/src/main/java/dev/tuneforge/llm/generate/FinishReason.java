package dev.tuneforge.llm.generate;

/** Why a generation ended. */
public enum FinishReason {
  /** The model produced one of the end-of-sequence ids (not included in the output). */
  EOS,
  /** The decoded text contained a stop string (the text is cut before it). */
  STOP_STRING,
  /** {@code maxNewTokens} were generated. */
  LENGTH
}
