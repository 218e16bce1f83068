package dev.tuneforge.registry;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny Llama (hidden 64, {@code layers} layers, GQA 4:2, vocab 408) with the engine's committed
 * byte-level BPE ChatML test tokenizer, and a seeded PEFT LoRA adapter (r 4 on q and v) for it.
 */
final class TinyModels {
  static final int HIDDEN = 64;

  private TinyModels() {}

  static ObjectNode config(int layers) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", HIDDEN);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("intermediate_size", 128);
    c.put("vocab_size", 408);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 256);
    c.put("tie_word_embeddings", true);
    c.put("initializer_range", 0.2);
    c.put("bos_token_id", 0);
    c.put("eos_token_id", 2);
    c.put("pad_token_id", 0);
    c.put("torch_dtype", "float32");
    return c;
  }

  static Path base(Path dir, int layers) throws IOException {
    ModelInit.write(dir, config(layers), 7);
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      try (InputStream in = TinyModels.class.getResourceAsStream("/tiny-tokenizer/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }

  static Path adapter(Path dir, int layers) throws IOException {
    List<String> targets = List.of("q_proj", "v_proj");
    int r = 4;
    SplittableRandom rng = new SplittableRandom(3);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    for (int i = 0; i < layers; i++) {
      for (String m : targets) {
        String module = "model.layers." + i + ".self_attn." + m;
        int out = m.equals("v_proj") ? 32 : HIDDEN; // 2 kv heads × 16
        t.put(
            PeftNames.loraA(module),
            new FloatTensor(new long[] {r, HIDDEN}, random(rng, r * HIDDEN)));
        t.put(PeftNames.loraB(module), new FloatTensor(new long[] {out, r}, random(rng, out * r)));
      }
    }
    Files.createDirectories(dir);
    SafetensorsWriter.write(dir.resolve(PeftAdapter.WEIGHTS_FILE), t, DType.F32);
    new AdapterConfig(LoraConfig.of(r, 8, targets), "tiny-llama")
        .write(dir.resolve(AdapterConfig.FILE), targets);
    return dir;
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((rng.nextDouble() * 2 - 1) * 0.2);
    }
    return out;
  }
}
