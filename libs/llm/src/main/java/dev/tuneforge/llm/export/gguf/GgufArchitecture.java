package dev.tuneforge.llm.export.gguf;

import dev.tuneforge.llm.config.ModelConfig;

/**
 * How an engine model family is written for llama.cpp: the {@code general.architecture} name (which
 * prefixes the hyper-parameter keys) and whether query/key rows are permuted. Llama and Mistral
 * both run as llama.cpp's {@code llama} (interleaved RoPE, hence the {@link QkPermutation}); Qwen2
 * and Qwen3 run as {@code qwen2}/{@code qwen3} with NeoX-style RoPE, which is HF's own layout, so
 * their weights are written as they are.
 */
enum GgufArchitecture {
  LLAMA("llama", true),
  QWEN2("qwen2", false),
  QWEN3("qwen3", false);

  final String name;
  final boolean permuteQk;

  GgufArchitecture(String name, boolean permuteQk) {
    this.name = name;
    this.permuteQk = permuteQk;
  }

  /** The llama.cpp architecture of a model, refusing what llama.cpp would compute differently. */
  static GgufArchitecture of(ModelConfig c) {
    return switch (c.modelType()) {
      case LLAMA -> LLAMA;
      case MISTRAL -> {
        // llama.cpp's llama has no sliding window: fine only when the window covers the context
        if (c.slidingWindow() != null && c.slidingWindow() < c.maxPositionEmbeddings()) {
          throw new IllegalArgumentException(
              "config.json sliding_window "
                  + c.slidingWindow()
                  + " < max_position_embeddings "
                  + c.maxPositionEmbeddings()
                  + ": llama.cpp's llama architecture has no sliding-window attention");
        }
        yield LLAMA;
      }
      case QWEN2 -> QWEN2;
      case QWEN3 -> QWEN3;
    };
  }
}
