package dev.tuneforge.llm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.io.TensorMismatch;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.CheckpointedForward;
import dev.tuneforge.llm.model.NoGrad;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.train.data.Batch;
import dev.tuneforge.llm.train.data.BatchPlan;
import dev.tuneforge.llm.train.data.DataPosition;
import dev.tuneforge.llm.train.optim.AdamW;
import dev.tuneforge.llm.train.optim.GradientClipping;
import dev.tuneforge.llm.train.optim.LrSchedule;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fine-tuning loop. Features and what each trades:
 *
 * <ul>
 *   <li>Loss: cross-entropy summed over target tokens and divided by the target count of the whole
 *       accumulated batch, so gradient accumulation of k micro-batches is the same update as one
 *       batch k times larger (at k times less activation memory, k times more forward calls).
 *   <li>Clipping by global norm ({@code max_grad_norm}), AdamW, the learning rate from a schedule
 *       that is a pure function of the optimizer step (so resume needs only the step).
 *   <li>Epochs or {@code max_steps}; an optimizer step never spans two epochs (the last of an epoch
 *       may have fewer micro-batches, as HF's).
 *   <li>Evaluation every {@code eval_steps} (loss, perplexity), early stopping on the validation
 *       loss with patience and min_delta.
 *   <li>Checkpoints every {@code save_steps} and at the end ({@link Checkpoints}); {@code resume}
 *       continues the exact run: weights, moments, step, data position and early-stopping state are
 *       restored, and nothing else needs restoring: the data order is a pure function of seed and
 *       epoch, and random layers ({@link RandomLayers}, LoRA dropout) draw from (seed, step,
 *       micro-batch), so on CPU with the same thread count the final weights are bitwise those of
 *       an uninterrupted run.
 *   <li>Gradient checkpointing ({@code gradient_checkpointing}, {@link CheckpointedForward}): only
 *       each decoder layer's input is kept through the forward and the layer is recomputed in
 *       backward, so a step holds one layer's activations (and, for QLoRA, one layer's dequantized
 *       base weights) at a time, for one extra forward per layer; the gradients equal the
 *       uncheckpointed ones (dropout masks are replayed).
 *   <li>Random layers train in training mode and are evaluated in evaluation mode (no dropout), as
 *       HF Trainer does with {@code model.train()} / {@code model.eval()}.
 * </ul>
 *
 * Memory: parameters and moments live on the model's manager; each optimizer step runs in a
 * sub-manager and each micro-batch in a sub-manager of that, so array counts stay flat.
 *
 * <p>Which tensors train and what is written at the end are inputs ({@link TrainableSet}, {@link
 * OutputWriter}), so LoRA and full fine-tuning share this loop.
 */
public final class Trainer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CausalLM model;
  private final TrainableSet trainableSet;
  private final OutputWriter output;
  private final BatchPlan train;
  private final BatchPlan validation;
  private final TrainingConfig config;
  private final JsonNode job;
  private final long seed;
  private Cancellation cancellation = new Cancellation();
  private RandomLayers randomLayers = RandomLayers.NONE;
  private boolean training;

  /**
   * @param validation batches for evaluation (unshuffled), or null
   * @param job the full job configuration, stored in every checkpoint
   * @param seed the run's seed (recorded as its RNG state)
   */
  public Trainer(
      CausalLM model,
      TrainableSet trainableSet,
      OutputWriter output,
      BatchPlan train,
      BatchPlan validation,
      TrainingConfig config,
      JsonNode job,
      long seed) {
    if (config.evalSteps() > 0 && validation == null) {
      throw new IllegalArgumentException("eval_steps is set but there is no validation set");
    }
    if (config.earlyStoppingPatience() > 0 && config.evalSteps() == 0) {
      throw new IllegalArgumentException("early_stopping_patience needs eval_steps");
    }
    this.model = model;
    this.trainableSet = trainableSet;
    this.output = output;
    this.train = train;
    this.validation = validation;
    this.config = config;
    this.job = job == null ? NullNode.getInstance() : job;
    this.seed = seed;
  }

  /** Optimizer steps per epoch: micro-batches per epoch divided by the accumulation, rounded up. */
  public long stepsPerEpoch() {
    int k = config.gradientAccumulationSteps();
    return (train.batchesPerEpoch() + k - 1) / k;
  }

  /** Optimizer steps of the whole run. */
  public long totalSteps() {
    return config.maxSteps() > 0 ? config.maxSteps() : config.numEpochs() * stepsPerEpoch();
  }

  /**
   * The model's random layers (LoRA dropout), which the loop switches between training and
   * evaluation and keys to each micro-batch; none by default.
   */
  public Trainer withRandomLayers(RandomLayers layers) {
    this.randomLayers = Objects.requireNonNull(layers, "random layers");
    return this;
  }

  /**
   * Asks the loop to stop after the current step, without a final checkpoint or output (as if the
   * process were killed there; the last saved checkpoint stays the resume point).
   */
  public void requestStop() {
    cancellation.request();
  }

  /**
   * Shares a stop flag with a {@link TrainingRun}: once requested, the loop stops at the next
   * micro-batch, optimizer step or evaluation batch, discarding the unfinished step (as {@link
   * #requestStop()}; checkpoints being written are always finished first).
   */
  public Trainer withCancellation(Cancellation c) {
    this.cancellation = Objects.requireNonNull(c, "cancellation");
    return this;
  }

  /** Runs (or, with {@code resume}, continues) the job to its end. */
  public TrainingResult run(TrainingListener listener, boolean resume) {
    List<TrainableParameter> params = trainableSet.select(model);
    if (params.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to train: the trainable set selected no parameter");
    }
    long total = totalSteps();
    int warmup = LrSchedule.warmupSteps(config.warmupSteps(), config.warmupRatio(), total);
    LrSchedule schedule = LrSchedule.of(config.scheduler(), warmup, total);
    try {
      Files.createDirectories(config.outputDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output_dir " + config.outputDir(), e);
    }
    List<Double> losses = new ArrayList<>();
    List<EvalReport> evals = new ArrayList<>();
    try (AdamW optimizer = new AdamW(model.manager(), params, config.adam())) {
      long step = 0;
      DataPosition pos = DataPosition.START;
      double bestEval = Double.POSITIVE_INFINITY;
      int badEvals = 0;
      boolean alreadyStopped = false;
      if (resume) {
        Checkpoints.removeUnfinishedWrites(config.outputDir())
            .forEach(p -> listener.onMessage("removed unfinished checkpoint write " + p));
        Checkpoints.Scan scan = Checkpoints.latest(config.outputDir());
        scan.rejected().forEach(r -> listener.onMessage("ignoring checkpoint " + r));
        if (scan.latest().isPresent()) {
          Checkpoints.Loaded ck = Checkpoints.read(scan.latest().get());
          restoreWeights(params, ck.weights());
          optimizer.restore(ck.optimizer());
          JsonNode s = ck.trainerState();
          step = s.path("global_step").asLong();
          pos =
              new DataPosition(
                  s.path("data_position").path("epoch").asInt(),
                  s.path("data_position").path("batch_index").asInt());
          bestEval =
              s.path("early_stopping").path("best_eval_loss").isNumber()
                  ? s.path("early_stopping").path("best_eval_loss").asDouble()
                  : Double.POSITIVE_INFINITY;
          badEvals = s.path("early_stopping").path("evals_without_improvement").asInt();
          alreadyStopped = s.path("early_stopping").path("stopped").asBoolean(false);
          listener.onMessage("resuming from " + ck.dir() + " at step " + step);
          if (!ck.job().equals(job)) {
            listener.onMessage(
                "warning: the job config differs from the one stored in " + ck.dir());
          }
        } else {
          listener.onMessage(
              "no complete checkpoint under "
                  + config.outputDir().resolve(Checkpoints.DIR)
                  + "; starting from step 0");
        }
      }
      long resumedFrom = step;
      for (TrainableParameter p : params) {
        p.value().setRequiresGradient(true);
      }
      setTraining(true);
      long startNanos = System.nanoTime();
      long tokens = 0;
      boolean stoppedEarly = alreadyStopped;
      long lastSaved = -1;
      while (step < total && !stoppedEarly) {
        if (cancellation.isRequested()) {
          return cancelled(step, resumedFrom, losses, evals);
        }
        // the micro-batches of this optimizer step, all from one epoch
        List<Batch> group = new ArrayList<>();
        int epoch = pos.epoch();
        while (group.size() < config.gradientAccumulationSteps() && pos.epoch() == epoch) {
          group.add(train.batch(pos));
          pos = train.next(pos);
        }
        double lr = schedule.lr(config.learningRate(), optimizer.stepCount());
        double[] lossAndNorm;
        try {
          lossAndNorm = optimizerStep(optimizer, params, group, lr, step + 1);
        } catch (Cancellation.Cancelled c) {
          optimizer.zeroGradients(); // the unfinished step is dropped, its partial gradients too
          return cancelled(step, resumedFrom, losses, evals);
        }
        step++;
        for (Batch b : group) {
          tokens += b.realTokens();
        }
        losses.add(lossAndNorm[0]);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long doneHere = step - resumedFrom;
        double epochs = pos.epoch() + (double) pos.batchIndex() / train.batchesPerEpoch();
        listener.onStep(
            new StepReport(
                step,
                total,
                epochs,
                lossAndNorm[0],
                lr,
                lossAndNorm[1],
                tokens / Math.max(seconds, 1e-9),
                seconds / doneHere * (total - step),
                tokens));
        if (config.evalSteps() > 0 && step % config.evalSteps() == 0) {
          double loss;
          try {
            loss = evaluate();
          } catch (Cancellation.Cancelled c) {
            return cancelled(
                step, resumedFrom, losses, evals); // step not checkpointed: resume redoes it
          }
          boolean improved = loss < bestEval - config.earlyStoppingMinDelta();
          if (improved) {
            bestEval = loss;
            badEvals = 0;
          } else {
            badEvals++;
          }
          EvalReport report = new EvalReport(step, loss, Math.exp(loss), improved);
          evals.add(report);
          listener.onEvaluation(report);
          if (config.earlyStoppingPatience() > 0 && badEvals >= config.earlyStoppingPatience()) {
            listener.onMessage(
                "early stopping at step "
                    + step
                    + ": "
                    + badEvals
                    + " evaluations without improving on "
                    + bestEval);
            stoppedEarly = true;
          }
        }
        boolean last = step == total || stoppedEarly;
        if (last || (config.saveSteps() > 0 && step % config.saveSteps() == 0)) {
          Path dir =
              save(
                  optimizer,
                  params,
                  step,
                  total,
                  warmup,
                  lr,
                  pos,
                  bestEval,
                  badEvals,
                  stoppedEarly);
          lastSaved = step;
          listener.onCheckpoint(step, dir);
        }
        if (stoppedEarly) {
          break;
        }
      }
      if (lastSaved < 0) {
        listener.onMessage("resumed from the final checkpoint: no steps left to run");
      }
      for (TrainableParameter p : params) {
        p.value().setRequiresGradient(false);
      }
      setTraining(false);
      output.write(model, config.outputDir());
      return new TrainingResult(
          step, resumedFrom, losses, evals, stoppedEarly, false, config.outputDir());
    }
  }

  private TrainingResult cancelled(
      long step, long resumedFrom, List<Double> losses, List<EvalReport> evals) {
    setTraining(false);
    return new TrainingResult(step, resumedFrom, losses, evals, false, true, null);
  }

  /** Forward + backward over the micro-batches, clip, update; returns {loss, grad norm}. */
  private double[] optimizerStep(
      AdamW optimizer,
      List<TrainableParameter> params,
      List<Batch> group,
      double lr,
      long stepNumber) {
    long targets = 0;
    for (Batch b : group) {
      targets += b.targetTokens();
    }
    double lossSum = 0;
    try (NDManager step = model.newStepManager()) {
      for (int i = 0; i < group.size(); i++) {
        Batch b = group.get(i);
        cancellation.check(); // between micro-batches: a long accumulation stops early too
        randomLayers.startMicroBatch(
            stepNumber, i); // masks keyed to (step, micro-batch): resumable
        try (NDManager micro = step.newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // divide by the whole accumulated batch's target count: a 0-d array, not div(Number)
          // (NOTES.md)
          NDArray denominator = micro.full(new Shape(), (float) targets, DataType.FLOAT32); // ()
          NDArray sum;
          if (config.gradientCheckpointing()) {
            CrossEntropy.Inputs in = CrossEntropy.inputs(micro, b);
            NDArray[] summed = new NDArray[1];
            CheckpointedForward forward =
                CheckpointedForward.runOnHidden(
                    model,
                    micro,
                    in.ids(),
                    in.positions(),
                    in.bias(),
                    hidden ->
                        (summed[0] = CrossEntropy.sumAtTargets(model, micro, b, hidden))
                            .div(denominator));
            int microBatch = i;
            // each layer's recompute draws the dropout masks its first forward drew
            forward.backward(collector, () -> randomLayers.startMicroBatch(stepNumber, microBatch));
            sum = summed[0];
          } else {
            sum = CrossEntropy.sum(model, micro, b); // ()
            collector.backward(sum.div(denominator));
          }
          lossSum += sum.getFloat();
        }
      }
      List<NDArray> grads = new ArrayList<>(params.size());
      for (TrainableParameter p : params) {
        step.tempAttachAll(p.value()); // the gradient handle lands on the step and dies with it
        grads.add(p.value().getGradient());
      }
      double norm =
          config.maxGradNorm() > 0
              ? GradientClipping.clipByGlobalNorm(grads, config.maxGradNorm(), step)
              : GradientClipping.globalNorm(grads, step);
      if (!Double.isFinite(norm)) {
        throw new IllegalStateException(
            "gradient norm is "
                + norm
                + " at step "
                + (optimizer.stepCount() + 1)
                + "; lower learning_rate or set max_grad_norm");
      }
      optimizer.step(lr);
      optimizer.zeroGradients();
      return new double[] {lossSum / targets, norm};
    }
  }

  /**
   * Mean cross-entropy over every target token of the validation set (no gradients, random layers
   * in evaluation mode).
   */
  public double evaluate() {
    boolean wasTraining = training;
    setTraining(false);
    try (NoGrad noGrad = NoGrad.enter()) {
      double sum = 0;
      long targets = 0;
      for (int i = 0; i < validation.batchesPerEpoch(); i++) {
        cancellation.check();
        Batch b = validation.batch(new DataPosition(0, i));
        try (NDManager step = model.newStepManager()) {
          sum += CrossEntropy.sum(model, step, b).getFloat();
        }
        targets += b.targetTokens();
      }
      return sum / targets;
    } finally {
      setTraining(wasTraining);
    }
  }

  private void setTraining(boolean on) {
    training = on;
    randomLayers.setTraining(on);
  }

  private Path save(
      AdamW optimizer,
      List<TrainableParameter> params,
      long step,
      long total,
      int warmup,
      double lr,
      DataPosition pos,
      double bestEval,
      int badEvals,
      boolean stopped) {
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (TrainableParameter p : params) {
      weights.put(
          p.name(), new FloatTensor(p.value().getShape().getShape(), p.value().toFloatArray()));
    }
    ObjectNode state = JSON.createObjectNode();
    state.put("global_step", step);
    state.put("total_steps", total);
    ObjectNode data = state.putObject("data_position");
    data.put("epoch", pos.epoch());
    data.put("batch_index", pos.batchIndex());
    ObjectNode sched = state.putObject("scheduler");
    sched.put("kind", config.scheduler().name().toLowerCase(java.util.Locale.ROOT));
    sched.put("warmup_steps", warmup);
    sched.put("total_steps", total);
    sched.put("position", optimizer.stepCount());
    sched.put("last_lr", lr);
    ObjectNode rng = state.putObject("rng");
    rng.put("seed", seed);
    rng.put(
        "algorithm",
        "data order: SplitMix64 Fisher-Yates per (seed, epoch) (EpochShuffle);"
            + " LoRA dropout masks: SplittableRandom per (seed, module, step, micro-batch) (LoraDropout);"
            + " no other random draw");
    ObjectNode es = state.putObject("early_stopping");
    if (Double.isFinite(bestEval)) {
      es.put("best_eval_loss", bestEval);
    } else {
      es.putNull("best_eval_loss");
    }
    es.put("evals_without_improvement", badEvals);
    es.put("stopped", stopped); // a resumed run that early stopping ended does not train on
    ObjectNode opt = JSON.valueToTree(config.adam());
    return Checkpoints.write(config.outputDir(), step, weights, optimizer.state(), opt, state, job);
  }

  private static void restoreWeights(
      List<TrainableParameter> params, Map<String, float[]> weights) {
    TensorMismatch m = new TensorMismatch();
    Set<String> names = new HashSet<>();
    for (TrainableParameter p : params) {
      names.add(p.name());
      float[] w = weights.get(p.name());
      if (w == null) {
        m.missing(p.name());
      } else if (w.length != p.value().size()) {
        m.wrongShape(
            p.name() + " (" + w.length + " values, this run " + p.value().getShape() + ")");
      }
    }
    weights.keySet().stream().filter(n -> !names.contains(n)).forEach(m::unexpected);
    m.throwIfAny("checkpoint does not fit this run's trainable set:");
    for (TrainableParameter p : params) {
      p.value().set(FloatBuffer.wrap(weights.get(p.name())));
    }
  }
}
