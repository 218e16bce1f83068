package dev.tuneforge.llm.export.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftNames;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.train.ModelInit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny Llama (hidden 64, 2 layers, GQA 4:2, vocab 408) with the committed byte-level BPE ChatML
 * test tokenizer ({@code tokenizers/bpe-chatml}, 401 tokens), seeded weights drawn wider than HF's
 * 0.02 so that greedy decoding has clear winners, and a seeded LoRA adapter on q/k/v/o/gate.
 */
final class TinyChatModel {
  static final String TOKENIZER = "/tokenizers/bpe-chatml/";
  static final int LAYERS = 2;
  static final int HIDDEN = 64;

  private TinyChatModel() {}

  static ObjectNode config(boolean tied, double std) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", HIDDEN);
    c.put("num_hidden_layers", LAYERS);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("intermediate_size", 128);
    c.put("vocab_size", 408);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 256);
    c.put("tie_word_embeddings", tied);
    c.put("initializer_range", std);
    c.put("bos_token_id", 0);
    c.put("eos_token_id", 2);
    c.put("pad_token_id", 0);
    c.put("torch_dtype", "float32");
    return c;
  }

  /** Writes config.json, model.safetensors and the tokenizer files into {@code dir}. */
  static Path base(Path dir, boolean tied, long seed) {
    return base(dir, tied, seed, 0.2);
  }

  /**
   * @param std standard deviation of the matrices: wider gives larger logit gaps between tokens
   */
  static Path base(Path dir, boolean tied, long seed, double std) {
    ModelInit.write(dir, config(tied, std), seed);
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      try (InputStream in = TinyChatModel.class.getResourceAsStream(TOKENIZER + f)) {
        Files.copy(in, dir.resolve(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * A PEFT LoRA adapter (r 8, alpha 16) on q, k, v, o and gate with seeded A and B, both nonzero.
   */
  static Path adapter(Path dir, long seed) {
    List<String> targets = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj");
    int r = 8;
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    for (int i = 0; i < LAYERS; i++) {
      for (String m : targets) {
        String module =
            "model.layers." + i + "." + (m.equals("gate_proj") ? "mlp." : "self_attn.") + m;
        int out =
            switch (m) {
              case "k_proj", "v_proj" -> 32; // 2 kv heads × 16
              case "gate_proj" -> 128;
              default -> HIDDEN;
            };
        int in = HIDDEN;
        t.put(
            PeftNames.loraA(module), new FloatTensor(new long[] {r, in}, random(rng, r * in, 0.2)));
        t.put(
            PeftNames.loraB(module),
            new FloatTensor(new long[] {out, r}, random(rng, out * r, 0.2)));
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SafetensorsWriter.write(dir.resolve(PeftAdapter.WEIGHTS_FILE), t, DType.F32);
    new AdapterConfig(LoraConfig.of(r, 16, targets), "tiny-chat")
        .write(dir.resolve(AdapterConfig.FILE), targets);
    return dir;
  }

  private static float[] random(SplittableRandom rng, int n, double scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
    }
    return out;
  }
}
