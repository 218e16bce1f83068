package dev.tuneforge.llm.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tuneforge.llm.Fixtures;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftFixtures;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of a GGUF file is llama.cpp itself: the CPU build shipped by the npm package
 * node-llama-cpp 3.21.1 loads what the exporters wrote and decodes greedily from the same prompt
 * ids as the engine. Skipped when {@code node} or the package is not installed
 * ({@code scripts/gguf-check/install.sh}).
 */
class LlamaCppCrossCheckTest {
  static final int NEW_TOKENS = 24;
  static NodeLlamaCpp llamaCpp;
  @TempDir Path dir;

  @BeforeAll
  static void findLlamaCpp() {
    llamaCpp = NodeLlamaCpp.find();
    assumeTrue(llamaCpp != null, "node or scripts/gguf-check/node_modules/node-llama-cpp not installed");
  }

  @Test
  void float32GgufDecodesExactlyAsTheEngine() {
    Path base = TinyChatModel.base(dir.resolve("base"), true, 7);
    Path gguf = dir.resolve("tiny-f32.gguf");
    GgufExporter.export(base, gguf, GgufType.F32);
    String text = "<|im_start|>user\nWhat is 2 plus 3?<|im_end|>\n<|im_start|>assistant\n";
    int[] prompt;
    try (Tokenizer tok = Tokenizer.load(base)) {
      prompt = tok.encode(text, true);
    }
    int[] engine = engineGreedy(base, null, prompt);
    NodeLlamaCpp.Output cpp = llamaCpp.greedy(gguf, null, prompt, NEW_TOKENS, text);
    System.out.printf("f32: engine %s%n     llama.cpp %s%n     tokenize engine %s llama.cpp %s%n",
        Arrays.toString(engine), Arrays.toString(cpp.tokens()), Arrays.toString(prompt),
        Arrays.toString(cpp.tokenized()));
    assertArrayEquals(prompt, cpp.tokenized(), "llama.cpp tokenizes the prompt as the HF tokenizer does");
    assertArrayEquals(engine, cpp.tokens());
  }

  static int[] engineGreedy(Path base, Path adapter, int[] prompt) {
    GenerationConfig greedy = GenerationConfig.greedy(NEW_TOKENS);
    if (adapter == null) {
      try (CausalLM m = ModelLoader.load(new LocalModelSource(base))) {
        return new Generator(m).generate(prompt, greedy, null).tokens();
      }
    }
    try (AdapterLoader.Adapted a = AdapterLoader.load(new LocalModelSource(base), adapter)) {
      return new Generator(a.model()).generate(prompt, greedy, null).tokens();
    }
  }
}
