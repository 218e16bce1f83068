package dev.tuneforge.llm.train.job;

import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LinearFactory;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.MemoryBudget;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftAdapterWriter;
import dev.tuneforge.llm.peft.QloraBase;
import dev.tuneforge.llm.quant.Nf4LinearFactory;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import dev.tuneforge.llm.train.Cancellation;
import dev.tuneforge.llm.train.FullModelWriter;
import dev.tuneforge.llm.train.OutputWriter;
import dev.tuneforge.llm.train.TrainableSet;
import dev.tuneforge.llm.train.Trainer;
import dev.tuneforge.llm.train.TrainingListener;
import dev.tuneforge.llm.train.TrainingResult;
import dev.tuneforge.llm.train.TrainingRun;
import dev.tuneforge.llm.train.data.EngineAdapters;
import dev.tuneforge.llm.train.data.EpochShuffle;
import dev.tuneforge.llm.train.data.Example;
import dev.tuneforge.llm.train.data.ExampleTokenizer;
import dev.tuneforge.llm.train.data.JsonlExamples;
import dev.tuneforge.llm.train.data.TokenizationConfig;
import dev.tuneforge.llm.train.data.TrainingData;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link JobConfig} on this machine: tokenizer and chat template from the base model folder,
 * JSONL datasets → batches, the base model (float, or NF4-quantized for QLoRA), a {@link Trainer}
 * for full, LoRA or QLoRA fine-tuning, LoRA/QLoRA optionally continuing from a PEFT adapter ({@code
 * lora_model_dir}). No services needed. This is the one entry point of a job: {@code tuneforge
 * train} and the trainer service both {@link #start} a {@link TrainingRun} (or {@link #run} one to
 * its end on the calling thread), so both get the same checks, progress and cancellation.
 */
public final class JobRunner {

  /** PEFT's default rank; alpha defaults to 2r (scale 2), a common choice in Axolotl configs. */
  static final int DEFAULT_LORA_R = 8;

  private JobRunner() {}

  /**
   * Starts the job on a thread of its own and returns its handle at once: progress goes to {@code
   * listener} (on the training thread), {@link TrainingRun#cancel()} stops it within one optimizer
   * step, {@link TrainingRun#await()} returns the result or rethrows the failure.
   */
  public static TrainingRun start(JobConfig job, TrainingListener listener, boolean resume) {
    return TrainingRun.start(
        "training " + job.outputDir().getFileName(),
        listener,
        r -> execute(job, r.listener(), resume, r.cancellation()));
  }

  /**
   * Loads data and model, then trains (or resumes) to the end on this thread; progress goes to
   * {@code listener}.
   */
  public static TrainingResult run(JobConfig job, TrainingListener listener, boolean resume) {
    try {
      return execute(job, listener, resume, new Cancellation());
    } catch (Cancellation.Cancelled c) {
      return TrainingResult.cancelledBeforeTraining();
    }
  }

  private static TrainingResult execute(
      JobConfig job, TrainingListener listener, boolean resume, Cancellation cancellation) {
    Path base = job.baseModel();
    // what the method needs of the model, from config.json, before data or weights are read
    ModelFit.check(job, ModelLoader.config(new LocalModelSource(base)), MemoryBudget.limitBytes());
    List<Example> train = new ArrayList<>();
    for (JobConfig.Dataset d : job.datasets()) {
      train.addAll(read(d));
    }
    List<Example> validation = new ArrayList<>();
    for (JobConfig.Dataset d : job.testDatasets()) {
      validation.addAll(read(d));
    }
    if (job.valSetSize() > 0) {
      // a seeded split: the same seed holds out the same examples, also on resume
      int held = (int) Math.ceil(train.size() * job.valSetSize());
      if (held >= train.size()) {
        throw new JobConfigException("val_set_size", "holds out all " + train.size() + " examples");
      }
      int[] order = EpochShuffle.permutation(job.seed() ^ 0x5EED5EEDL, 0, train.size());
      List<Example> kept = new ArrayList<>();
      for (int i = 0; i < order.length; i++) {
        (i < held ? validation : kept).add(train.get(order[i]));
      }
      train = kept;
    }
    cancellation.check();
    try (Tokenizer tokenizer = Tokenizer.load(base)) {
      boolean chat =
          job.datasets().stream().anyMatch(d -> d.type() == JobConfig.DatasetType.CHAT)
              || job.testDatasets().stream().anyMatch(d -> d.type() == JobConfig.DatasetType.CHAT);
      int eos = tokenizer.eosIds().length > 0 ? tokenizer.eosIds()[0] : -1;
      int pad = tokenizer.padId().orElse(Math.max(eos, 0));
      TokenizationConfig tc = new TokenizationConfig(job.sequenceLen(), job.trainOnInputs(), eos);
      ExampleTokenizer et =
          new ExampleTokenizer(
              EngineAdapters.encoder(tokenizer),
              chat ? EngineAdapters.renderer(ChatTemplate.load(base)) : null,
              tc);
      TrainingData trainData =
          TrainingData.build(
              train,
              et,
              tc,
              new TrainingData.Options(
                  job.samplePacking(),
                  job.microBatchSize(),
                  job.seed(),
                  true,
                  false,
                  pad,
                  0,
                  job.groupByLength()));
      TrainingData valData =
          validation.isEmpty()
              ? null
              : TrainingData.build(
                  validation,
                  et,
                  tc,
                  new TrainingData.Options(
                      job.samplePacking(),
                      job.microBatchSize(),
                      job.seed(),
                      false,
                      false,
                      pad,
                      0,
                      false)); // validation: every record once, in file order
      listener.onMessage(
          trainData.examples()
              + " training examples ("
              + trainData.truncated()
              + " truncated, "
              + trainData.droppedNoTarget()
              + " without targets dropped), "
              + trainData.targetTokens()
              + " target tokens per epoch"
              + (valData == null ? "" : "; " + valData.examples() + " validation examples"));
      cancellation.check();
      if (job.adapter() == JobConfig.Adapter.LORA || job.adapter() == JobConfig.Adapter.QLORA) {
        long loadStart = System.nanoTime();
        try (LoraModel lm = buildLora(job, listener)) {
          listener.onMessage(loaded(loadStart));
          cancellation.check();
          LoraLinearFactory factory = lm.factory();
          TrainableSet adapters =
              m ->
                  factory.trainableParameters().entrySet().stream()
                      .map(e -> new TrainableParameter(e.getKey(), e.getValue(), true))
                      .toList();
          OutputWriter peft =
              (m, dir) -> {
                if (lm.nf4() != null) {
                  QloraBase.of(lm.nf4())
                      .write(dir); // PEFT's adapter_config has no key for a quantized base
                }
                PeftAdapterWriter.write(
                    dir,
                    new AdapterConfig(factory.config(), base.toString()),
                    factory.layers()); // config last
              };
          // On resume the Trainer loads the checkpoint's A/B over the ones built here (fresh or
          // from
          // lora_model_dir), so a resumed continued run goes on from its checkpoint, not the
          // adapter.
          Trainer trainer =
              new Trainer(
                      lm.model(),
                      adapters,
                      peft,
                      trainData.plan(),
                      valData == null ? null : valData.plan(),
                      job.training(),
                      job.source(),
                      job.seed())
                  .withRandomLayers(
                      factory) // dropout on in training, off in evaluation, keyed per micro-batch
                  .withCancellation(cancellation);
          return trainer.run(listener, resume);
        }
      }
      LocalModelSource source = new LocalModelSource(base);
      ModelLoader.Options options = loadOptions(job, listener);
      long loadStart = System.nanoTime();
      try (CausalLM model =
          ModelLoader.load(
              source, dev.tuneforge.llm.model.Placement.device(), LinearFactory.plain(), options)) {
        listener.onMessage(loaded(loadStart));
        cancellation.check();
        Trainer trainer =
            new Trainer(
                    model,
                    TrainableSet.full(),
                    new FullModelWriter(base),
                    trainData.plan(),
                    valData == null ? null : valData.plan(),
                    job.training(),
                    job.source(),
                    job.seed())
                .withCancellation(cancellation);
        return trainer.run(listener, resume);
      }
    }
  }

  /** Prefix of the message that reports the model's load time (read by the trainer benchmark). */
  public static final String MODEL_LOADED = "model loaded in ";

  /**
   * The load time as a message: a job's time to its first step is start-up + load + the step, and
   * on a real checkpoint the load (reading and, for qlora, quantizing gigabytes) dominates.
   */
  private static String loaded(long startNanos) {
    return MODEL_LOADED + (System.nanoTime() - startNanos) / 1_000_000 + " ms";
  }

  /**
   * The load options of a job: the memory check counts a KV cache of one micro-batch of
   * sequence_len tokens; warnings (non-finite base weights) go to the run's listener.
   */
  static ModelLoader.Options loadOptions(JobConfig job, TrainingListener listener) {
    return ModelLoader.Options.defaults()
        .withContextTokens((long) job.sequenceLen() * job.microBatchSize())
        .withWarnings(listener::onMessage);
  }

  /**
   * A model with LoRA layers for a lora/qlora job; {@code nf4} is the quantized base's factory for
   * qlora.
   */
  record LoraModel(CausalLM model, LoraLinearFactory factory, Nf4LinearFactory nf4)
      implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  /**
   * Builds the model of a lora/qlora job. LoRA is chosen when the model is built: targeted
   * projections become LoraLinear, the base stays frozen, and only the lora_ tensors are trained
   * and saved (PEFT layout). A and B start fresh (A random, B zero) or, with lora_model_dir, at the
   * adapter's values in the adapter's layout. QLoRA: the same adapters over a base whose decoder
   * projections are quantized to NF4 at load.
   */
  static LoraModel buildLora(JobConfig job, TrainingListener listener) {
    Path base = job.baseModel();
    boolean qlora = job.adapter() == JobConfig.Adapter.QLORA;
    Nf4LinearFactory nf4 = qlora ? new Nf4LinearFactory() : null;
    LinearFactory frozen = qlora ? nf4 : LinearFactory.plain();
    CausalLM model;
    LoraLinearFactory factory;
    if (job.loraModelDir() != null) {
      Path dir = job.loraModelDir();
      JobConfig.adapterConfig(dir); // missing files and refused settings, named by lora_model_dir
      PeftAdapter adapter;
      try {
        adapter = PeftAdapter.read(dir);
      } catch (IllegalArgumentException e) {
        throw new JobConfigException("lora_model_dir", e.getMessage());
      }
      LoraConfig a = adapter.config().lora();
      // the adapter's layout (JobConfig refused job keys that contradict it); dropout and seed are
      // training settings, so the job's apply
      LoraConfig lora =
          new LoraConfig(
              a.r(),
              a.alpha(),
              job.loraDropout() == null ? a.dropout() : job.loraDropout(),
              a.targetModules(),
              a.useRslora(),
              job.seed());
      AdapterLoader.Adapted adapted;
      try {
        adapted =
            AdapterLoader.load(
                new LocalModelSource(base),
                new PeftAdapter(
                    new AdapterConfig(lora, adapter.config().baseModelNameOrPath()),
                    adapter.weights()),
                dev.tuneforge.llm.model.Placement.device(),
                frozen);
      } catch (IllegalArgumentException e) {
        throw new JobConfigException("lora_model_dir", e.getMessage());
      }
      model = adapted.model();
      factory = adapted.lora();
      listener.onMessage(
          String.format(
              java.util.Locale.ROOT,
              "continuing from the PEFT adapter in %s: r %d, lora_alpha %s, use_rslora %s, lora_dropout %s, %d modules",
              dir,
              lora.r(),
              lora.alpha(),
              lora.useRslora(),
              lora.dropout(),
              factory.layers().size()));
    } else {
      LoraConfig lora =
          new LoraConfig(
              job.loraR() == null ? DEFAULT_LORA_R : job.loraR(),
              job.loraAlpha() == null
                  ? 2.0 * (job.loraR() == null ? DEFAULT_LORA_R : job.loraR())
                  : job.loraAlpha(),
              job.loraDropout() == null ? 0.0 : job.loraDropout(),
              job.loraTargetModules() == null || job.loraTargetModules().isEmpty()
                  ? List.of(LoraConfig.ALL_LINEAR)
                  : job.loraTargetModules(),
              false,
              job.seed());
      factory = LoraLinearFactory.fresh(lora, frozen);
      model =
          ModelLoader.load(
              new LocalModelSource(base),
              dev.tuneforge.llm.model.Placement.device(),
              factory,
              loadOptions(job, listener));
      try {
        factory.requireEveryTargetMatched("lora_target_modules");
      } catch (IllegalArgumentException e) {
        model.close();
        throw new JobConfigException(
            "lora_target_modules", e.getMessage().substring("lora_target_modules: ".length()));
      }
    }
    if (qlora) {
      listener.onMessage("qlora: " + nf4.summary() + "; LoRA adapters float32");
    }
    return new LoraModel(model, factory, nf4);
  }

  /**
   * Reads a JSONL dataset within {@link JsonlExamples.Limits#DEFAULT}, checking each record has the
   * declared type's fields.
   */
  static List<Example> read(JobConfig.Dataset d) {
    return JsonlExamples.read(
        d.path(),
        JsonlExamples.Limits.DEFAULT,
        record -> d.format().parse(d.type(), record),
        e -> {
          boolean fits =
              switch (d.type()) {
                case CHAT -> e instanceof Example.Chat;
                case COMPLETION ->
                    e instanceof Example.PromptCompletion || e instanceof Example.Text;
                case TEXT -> e instanceof Example.Text;
                case ALPACA -> e instanceof Example.PromptCompletion;
              };
          if (!fits) {
            throw new IllegalArgumentException(
                "dataset type is "
                    + d.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " but the record is a "
                    + e.getClass().getSimpleName());
          }
        });
  }
}
