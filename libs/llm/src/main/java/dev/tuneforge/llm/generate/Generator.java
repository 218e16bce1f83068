package dev.tuneforge.llm.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.KvCache;
import dev.tuneforge.llm.model.Masks;
import dev.tuneforge.llm.model.NoGrad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Autoregressive decoding with a preallocated KV cache. Several prompts run as one batch: prompts
 * are left-padded, padding slots are masked out of attention and positions count real tokens only,
 * so each row decodes as if it were alone. Each row draws from its own random stream split from the
 * seed, so a row's sample depends only on the seed and its index.
 */
public final class Generator {
  private static final int PAD_ID = 0;
  private final CausalLM model;

  public Generator(CausalLM model) {
    this.model = model;
  }

  public Generation generate(int[] prompt, GenerationConfig c, Function<int[], String> decoder) {
    return generate(List.of(prompt), c, decoder).get(0);
  }

  /**
   * @param decoder turns generated ids into text (needed for stop strings), or null
   */
  public List<Generation> generate(
      List<int[]> prompts, GenerationConfig c, Function<int[], String> decoder) {
    // no autograd graph, whichever thread generates (see NoGrad)
    try (NoGrad noGrad = NoGrad.enter()) {
      return decodeBatch(prompts, c, decoder);
    }
  }

  private List<Generation> decodeBatch(
      List<int[]> prompts, GenerationConfig c, Function<int[], String> decoder) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    if (decoder == null && !c.stopStrings().isEmpty()) {
      throw new IllegalArgumentException("stop strings need a decoder");
    }
    int b = prompts.size();
    int p = 0;
    for (int[] prompt : prompts) {
      if (prompt.length == 0) {
        throw new IllegalArgumentException("empty prompt");
      }
      p = Math.max(p, prompt.length);
    }
    ContextLimit.check(p, c.maxNewTokens(), model.config()); // before anything is allocated
    int vocab = model.config().vocabSize();
    int capacity = p + Math.max(c.maxNewTokens(), 1);
    long[][] ids = new long[b][p];
    boolean[][] valid = new boolean[b][capacity];
    long[] nextPos = new long[b];
    for (int i = 0; i < b; i++) {
      int[] prompt = prompts.get(i);
      int pad = p - prompt.length;
      for (int j = 0; j < p; j++) {
        int id = j < pad ? PAD_ID : prompt[j - pad];
        if (id < 0 || id >= vocab) {
          throw new IllegalArgumentException(
              "prompt " + i + " has token id " + id + " outside the vocabulary");
        }
        ids[i][j] = id;
        valid[i][j] = j >= pad;
      }
      nextPos[i] = prompt.length;
    }
    List<List<Integer>> out = new ArrayList<>();
    FinishReason[] reasons = new FinishReason[b];
    String[] texts = new String[b];
    SplittableRandom root = new SplittableRandom(c.seed());
    SplittableRandom[] rngs = new SplittableRandom[b];
    for (int i = 0; i < b; i++) {
      out.add(new ArrayList<>());
      rngs[i] = root.split();
    }
    if (c.maxNewTokens() == 0) {
      return finish(out, reasons, texts, decoder);
    }
    try (KvCache cache = new KvCache(model.manager(), model.config(), b, capacity)) {
      float[] logits;
      try (NDManager step = model.newStepManager()) {
        boolean[][] promptValid = new boolean[b][];
        for (int i = 0; i < b; i++) {
          promptValid[i] = Arrays.copyOf(valid[i], p);
        }
        long[][] pos = Masks.positions(promptValid);
        NDArray bias = Masks.bias(step, valid, p, p, model.config().slidingWindow());
        NDArray last =
            model.forward(step, Masks.longs(step, ids), Masks.longs(step, pos), bias, cache, true);
        logits = readLogits(last, c, vocab); // [B, 1, V]
      }
      for (int n = 0; n < c.maxNewTokens(); n++) {
        long[][] next = new long[b][1];
        long[][] positions = new long[b][1];
        boolean anyActive = false;
        for (int i = 0; i < b; i++) {
          next[i][0] = PAD_ID;
          positions[i][0] = nextPos[i];
          if (reasons[i] != null) {
            continue;
          }
          requireFinite(logits, i, vocab, out.get(i).size());
          int token = Sampler.sample(logits, i * vocab, vocab, c, rngs[i]);
          if (c.eosIds().contains(token)) {
            reasons[i] = FinishReason.EOS;
            continue;
          }
          out.get(i).add(token);
          next[i][0] = token;
          if (!c.stopStrings().isEmpty()) {
            String text = decoder.apply(toArray(out.get(i)));
            for (String stop : c.stopStrings()) {
              int at = text.indexOf(stop);
              if (at >= 0) {
                reasons[i] = FinishReason.STOP_STRING;
                texts[i] = text.substring(0, at);
                break;
              }
            }
          }
          if (reasons[i] == null && out.get(i).size() == c.maxNewTokens()) {
            reasons[i] = FinishReason.LENGTH;
          }
          anyActive |= reasons[i] == null;
        }
        if (!anyActive) {
          break;
        }
        int slot = cache.length();
        for (int i = 0; i < b; i++) {
          valid[i][slot] = true;
          nextPos[i]++;
        }
        try (NDManager step = model.newStepManager()) {
          NDArray bias = Masks.bias(step, valid, 1, slot + 1, model.config().slidingWindow());
          NDArray last =
              model.forward(
                  step, Masks.longs(step, next), Masks.longs(step, positions), bias, cache, true);
          logits = readLogits(last, c, vocab); // [B, 1, V]
        }
      }
    }
    return finish(out, reasons, texts, decoder);
  }

  /**
   * The logits the sampler needs on the heap. Greedy decoding needs only each row's argmax: it is
   * taken on the device and returned as one-hot rows, so B ids cross JNI instead of B·V floats.
   */
  private static float[] readLogits(NDArray out, GenerationConfig c, int vocab) {
    if (c.temperature() != 0) {
      return out.toFloatArray();
    }
    // A row holding NaN or infinity sums to a non-finite number: then the full rows are returned so
    // that requireFinite names the row instead of argmax silently picking a token.
    float[] sums = out.sum(new int[] {-1}).toFloatArray(); // [B]
    for (float sum : sums) {
      if (!Float.isFinite(sum)) {
        return out.toFloatArray();
      }
    }
    long[] best = out.argMax(-1).toLongArray(); // [B]
    float[] oneHot = new float[best.length * vocab];
    for (int i = 0; i < best.length; i++) {
      oneHot[i * vocab + (int) best[i]] = 1f;
    }
    return oneHot;
  }

  private static List<Generation> finish(
      List<List<Integer>> out,
      FinishReason[] reasons,
      String[] texts,
      Function<int[], String> decoder) {
    List<Generation> result = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      int[] tokens = toArray(out.get(i));
      String text = texts[i] != null ? texts[i] : decoder == null ? null : decoder.apply(tokens);
      result.add(
          new Generation(tokens, text, reasons[i] == null ? FinishReason.LENGTH : reasons[i]));
    }
    return result;
  }

  /**
   * NaN/Inf logits would sample garbage (or always token 0): an error naming row and position
   * instead.
   */
  private static void requireFinite(float[] logits, int row, int vocab, int generated) {
    for (int j = row * vocab, end = j + vocab; j < end; j++) {
      if (!Float.isFinite(logits[j])) {
        throw new IllegalStateException(
            "the forward pass produced a logit of "
                + logits[j]
                + " for prompt "
                + row
                + " at generated token "
                + generated
                + "; the model's weights or activations are not finite numbers");
      }
    }
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
