package dev.tuneforge.evaluator.bench;

import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.llm.eval.GreedyCompletions;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation's generation throughput at the demo base model's size (hidden 128, 4 layers):
 * prompts/s and generated tokens/s through {@link GreedyCompletions} at batch 1 and batch 8, beside
 * the engine's single-sequence decode rate (one prompt, no end-of-sequence, fixed length) in the
 * same run. Run: {@code mvn -pl evaluator-service -am verify -Dtests.excluded=none
 * -Dgroups=benchmark -Dtest=EvaluationThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class EvaluationThroughputBenchmark {
  @TempDir Path dir;

  @Test
  void promptsPerSecondAtBatchOneAndEight() {
    Path base = dir.resolve("base");
    // the demo base model's shape and tokenizer, untrained: a trained one answers these prompts in
    // a
    // token or two, a random one rarely picks end-of-sequence, so completions run to max_new_tokens
    // and the rates measure decoding rather than prompt handling (speed does not depend on weights)
    BaseModel.init(base, BaseModel.config(128, 4), 1234);
    List<List<ChatMessage>> prompts = new ArrayList<>();
    for (int a = 0; a < 32; a++) {
      prompts.add(List.of(ChatMessage.user("What is " + (a % 11) + " plus " + (a * 7 % 10) + "?")));
    }
    try (Tokenizer tok = Tokenizer.load(base);
        CausalLM model = ModelLoader.load(new LocalModelSource(base))) {
      ChatTemplate template = ChatTemplate.load(base);
      int maxNew = 32;
      // warm-up: libtorch's first calls allocate and pick kernels
      new GreedyCompletions(model, tok, template, maxNew, 8).complete(prompts.subList(0, 8));
      for (int batch : new int[] {1, 8}) {
        GreedyCompletions c = new GreedyCompletions(model, tok, template, maxNew, batch);
        long t0 = System.nanoTime();
        List<Generation> out = c.complete(prompts);
        double s = (System.nanoTime() - t0) / 1e9;
        long tokens = out.stream().mapToLong(g -> g.tokens().length).sum();
        System.out.printf(
            Locale.ROOT,
            "evaluation generation, batch %d: %d prompts in %.2f s = %.2f prompts/s,"
                + " %d generated tokens = %.1f tok/s%n",
            batch,
            prompts.size(),
            s,
            prompts.size() / s,
            tokens,
            tokens / s);
      }
      int[] ids = tok.encode(template.render(prompts.get(0), true), false);
      GenerationConfig fixed =
          GenerationConfig.greedy(64).withEos(Set.of()); // no EOS: exactly 64 tokens
      long t0 = System.nanoTime();
      Generation g = new Generator(model).generate(ids, fixed, null);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "engine single-sequence decode: %d tokens in %.2f s = %.1f tok/s%n",
          g.tokens().length,
          s,
          g.tokens().length / s);
    }
  }
}
