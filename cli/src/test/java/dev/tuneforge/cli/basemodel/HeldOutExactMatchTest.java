package dev.tuneforge.cli.basemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.train.TrainCommand;
import dev.tuneforge.llm.eval.ExactMatch;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.job.JobRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * LoRA fine-tuning teaches the demo base model ({@code tuneforge base-model}, fewer steps than its
 * default to keep this test near a minute) a task it cannot do, and the skill carries over to
 * questions it never saw. The task: "Last word: seven two nine" → "nine", over ordered triples of
 * distinct words zero..ten; train and held-out triples are disjoint. The base corpus has no such
 * question, so before tuning the model answers with digits. Figures are printed and recorded in
 * docs/benchmarks.md ("Engine II").
 */
class HeldOutExactMatchTest {
  private static final String[] WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
  };
  private static final int HELD_OUT = 40;
  private static final int TRAIN = 300;
  private static final int BASE_STEPS = 150;
  private static final int LORA_STEPS = 150;

  @TempDir Path dir;

  @Test
  void loraTrainingRaisesHeldOutExactMatch() throws IOException {
    long t0 = System.nanoTime();
    Path base = dir.resolve("base");
    assertEquals(
        0,
        new CommandLine(new TuneForge())
            .execute(
                "base-model", "--out", base.toString(), "--steps", String.valueOf(BASE_STEPS)));
    double baseSeconds = (System.nanoTime() - t0) / 1e9;

    // every ordered triple of distinct words from zero..ten, shuffled once; train and held-out
    // disjoint
    List<int[]> triples = new ArrayList<>();
    for (int a = 0; a <= 10; a++) {
      for (int b = 0; b <= 10; b++) {
        for (int c = 0; c <= 10; c++) {
          if (a != b && b != c && a != c) {
            triples.add(new int[] {a, b, c});
          }
        }
      }
    }
    SplittableRandom rnd = new SplittableRandom(17);
    for (int i = triples.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int[] t = triples.get(i);
      triples.set(i, triples.get(j));
      triples.set(j, t);
    }
    List<int[]> heldOut = triples.subList(0, HELD_OUT);
    List<int[]> train = triples.subList(HELD_OUT, HELD_OUT + TRAIN);
    ObjectMapper json = new ObjectMapper();
    StringBuilder jsonl = new StringBuilder();
    for (int[] t : train) {
      var chat = json.createObjectNode();
      var messages = chat.putArray("messages");
      messages.addObject().put("role", "user").put("content", question(t));
      messages.addObject().put("role", "assistant").put("content", answer(t));
      jsonl.append(chat).append('\n');
    }
    Files.writeString(dir.resolve("train.jsonl"), jsonl);
    List<ExactMatch.Item> items =
        heldOut.stream()
            .map(t -> new ExactMatch.Item(List.of(ChatMessage.user(question(t))), answer(t)))
            .toList();

    ExactMatch.Result before;
    try (Tokenizer tok = Tokenizer.load(base);
        CausalLM model = ModelLoader.load(new LocalModelSource(base))) {
      before = ExactMatch.evaluate(model, tok, ChatTemplate.load(base), items, 6, 10);
    }

    Files.writeString(
        dir.resolve("job.yaml"),
        """
        base_model: base
        adapter: lora
        lora_r: 8
        lora_alpha: 16
        lora_dropout: 0.05
        datasets:
          - path: train.jsonl
            type: chat
        sequence_len: 64
        sample_packing: true
        micro_batch_size: 8
        max_steps: %d
        learning_rate: 0.005
        lr_scheduler: cosine
        warmup_steps: 10
        seed: 5
        output_dir: adapter
        """
            .formatted(LORA_STEPS));
    long t1 = System.nanoTime();
    TrainingResult r =
        JobRunner.run(TrainCommand.load(dir.resolve("job.yaml")), TrainingListener.NONE, false);
    double trainSeconds = (System.nanoTime() - t1) / 1e9;

    ExactMatch.Result after;
    try (Tokenizer tok = Tokenizer.load(base);
        AdapterLoader.Adapted tuned =
            AdapterLoader.load(new LocalModelSource(base), dir.resolve("adapter"))) {
      after = ExactMatch.evaluate(tuned.model(), tok, ChatTemplate.load(base), items, 6, 10);
    }

    double firstLoss = mean(r.losses().subList(0, 5));
    double lastLoss = mean(r.losses().subList(r.losses().size() - 5, r.losses().size()));
    System.out.printf(
        Locale.ROOT,
        "held-out exact match: base model (%d steps, %.0f s) %d/%d, after LoRA (%d steps,"
            + " %.0f s) %d/%d; train loss %.3f -> %.3f (mean of first/last 5 steps)%n"
            + "  before: %s%n  after:  %s%n",
        BASE_STEPS,
        baseSeconds,
        before.correct(),
        before.total(),
        r.steps(),
        trainSeconds,
        after.correct(),
        after.total(),
        firstLoss,
        lastLoss,
        before.completions(),
        after.completions());
    assertTrue(
        lastLoss < 0.5 * firstLoss, "training loss must fall: " + firstLoss + " -> " + lastLoss);
    assertTrue(
        before.rate() <= 0.1,
        "the base model must not already do the task: " + before.completions());
    assertTrue(
        after.rate() >= 0.5,
        "LoRA must raise held-out exact match to >= 50%: "
            + after.correct()
            + "/"
            + after.total()
            + " "
            + after.completions());
  }

  private static String question(int[] t) {
    return "Last word: " + WORDS[t[0]] + " " + WORDS[t[1]] + " " + WORDS[t[2]];
  }

  private static String answer(int[] t) {
    return WORDS[t[2]];
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
