package dev.tuneforge.cli.basemodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.cli.train.TrainCommand;
import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.llm.train.Checkpoints;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.job.JobConfig;
import dev.tuneforge.llm.train.job.JobRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tuneforge base-model --out DIR [--steps N]}: trains a small Llama-architecture model from
 * scratch on the generated corpus ({@link BaseModel}) with this engine and writes it in HF layout.
 * Same seed, steps and thread count give the same bytes.
 */
@Command(
    name = "base-model",
    description = "Train a small Llama-style base model from scratch (HF layout).",
    footer = {"", "Example:", "  tuneforge base-model --out .tuneforge/models/base"})
public final class BaseModelCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "Output folder (HF model layout).")
  Path out;

  @Option(
      names = "--steps",
      defaultValue = "300",
      description = "Optimizer steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--hidden",
      defaultValue = "128",
      description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(
      names = "--layers",
      defaultValue = "4",
      description = "Decoder layers (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--seed",
      defaultValue = "1234",
      description = "Seed of weights, corpus and order.")
  long seed;

  PrintStream console = System.out;

  @Override
  public Integer call() throws IOException {
    Path work = Files.createTempDirectory("tuneforge-base-model");
    try {
      Path init = BaseModel.init(work.resolve("init"), BaseModel.config(hidden, layers), seed);
      Path corpus = work.resolve("corpus.jsonl");
      Files.write(corpus, BaseModel.corpus(4000, seed));
      ObjectNode job = new ObjectMapper().createObjectNode();
      job.put("base_model", init.toString());
      job.putArray("datasets").addObject().put("path", corpus.toString()).put("type", "text");
      job.put("sequence_len", 128);
      job.put("sample_packing", true);
      job.put("micro_batch_size", 4);
      job.put("max_steps", steps);
      job.put("learning_rate", 3e-3);
      job.put("lr_scheduler", "cosine");
      job.put("warmup_ratio", 0.05);
      job.put("weight_decay", 0.1);
      job.put("max_grad_norm", 1.0);
      job.put("seed", seed);
      job.put("output_dir", out.toAbsolutePath().toString());
      JobConfig config = JobConfig.parse(job, work);
      TrainingResult r = JobRunner.run(config, new TrainCommand.ProgressPrinter(console), false);
      LocalArtifacts.deleteRecursively(
          out.resolve(Checkpoints.DIR)); // a base model folder holds the model only
      // ... and the slice of its corpus the evaluator's forgetting check scores base and tuned on
      RetentionCorpus.write(out, BaseModel.retentionSlice(seed));
      console.printf(
          "base model (%d steps, final loss %.4f) in %s%n",
          r.steps(), r.losses().get(r.losses().size() - 1), out);
      return 0;
    } finally {
      LocalArtifacts.deleteRecursively(work);
    }
  }
}
