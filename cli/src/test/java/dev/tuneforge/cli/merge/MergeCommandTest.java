package dev.tuneforge.cli.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.lora.LoraLinear;
import dev.tuneforge.llm.lora.LoraLinearFactory;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.PeftAdapterWriter;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import dev.tuneforge.llm.score.Scorer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tuneforge merge} writes a model folder that computes what base + adapter computes. */
class MergeCommandTest {
  private static final int[] IDS = {0, 17, 250, 33, 4, 99, 120, 7};
  @TempDir Path dir;

  @Test
  void mergeWritesAModelThatMatchesBasePlusAdapter() throws Exception {
    Path base = writeBase(dir.resolve("base"));
    Path adapter = dir.resolve("adapter");
    float[] adapted;
    LoraConfig cfg = LoraConfig.of(4, 8, List.of("q_proj", "v_proj", "up_proj"));
    LoraLinearFactory f = LoraLinearFactory.fresh(cfg);
    try (CausalLM m =
        ModelLoader.load(new LocalModelSource(base), Engine.getInstance().defaultDevice(), f)) {
      Random rnd = new Random(2);
      for (LoraLinear l : f.layers()) {
        float[] b = new float[(int) l.loraB().getShape().size()];
        for (int i = 0; i < b.length; i++) {
          b[i] = (float) (0.3 * rnd.nextGaussian());
        }
        l.loraB().set(b);
      }
      adapted = Scorer.logprobs(m, IDS);
      PeftAdapterWriter.write(adapter, new AdapterConfig(cfg, base.toString()), f.layers());
    }
    Path out = dir.resolve("merged");
    int code =
        cli()
            .execute(
                "merge",
                "--model",
                base.toString(),
                "--adapter",
                adapter.toString(),
                "--out",
                out.toString());
    assertEquals(0, code);
    assertTrue(Files.exists(out.resolve("tokenizer.json")), "tokenizer files are copied");
    try (CausalLM merged = ModelLoader.load(new LocalModelSource(out))) {
      float[] lp = Scorer.logprobs(merged, IDS);
      for (int i = 0; i < lp.length; i++) {
        assertEquals(adapted[i], lp[i], 1e-4);
      }
    }
  }

  @Test
  void aMissingAdapterFailsWithOneLineNamingTheFile() throws Exception {
    Path base = writeBase(dir.resolve("base"));
    StringWriter err = new StringWriter();
    CommandLine cli = cli();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "merge",
            "--model",
            base.toString(),
            "--adapter",
            dir.resolve("nope").toString(),
            "--out",
            dir.resolve("out").toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("adapter_config.json"), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /**
   * The same setup as {@link TuneForge#main}: an expected failure is one line on stderr, exit 1.
   */
  private static CommandLine cli() {
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("tuneforge: " + e.getMessage());
          return 1;
        });
    return cli;
  }

  /** A tiny random Llama in HF layout, float32, with a stand-in tokenizer file to be copied. */
  private static Path writeBase(Path dir) throws Exception {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.put("model_type", "llama")
        .put("hidden_size", 32)
        .put("num_hidden_layers", 2)
        .put("num_attention_heads", 4)
        .put("num_key_value_heads", 2)
        .put("intermediate_size", 48)
        .put("vocab_size", 300)
        .put("rms_norm_eps", 1e-5)
        .put("rope_theta", 10000.0)
        .put("max_position_embeddings", 64)
        .put("tie_word_embeddings", false)
        .put("torch_dtype", "float32");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), c.toPrettyString());
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    ModelConfig mc = ModelConfig.parse(c.toString());
    Random rnd = new Random(1);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    ModelLoader.architecture(mc.modelType())
        .expectedTensors(mc)
        .forEach(
            (name, shape) -> {
              int n = 1;
              for (long d : shape) {
                n *= (int) d;
              }
              float[] data = new float[n];
              for (int i = 0; i < n; i++) {
                data[i] =
                    (float) ((name.endsWith("norm.weight") ? 1 : 0) + 0.3 * rnd.nextGaussian());
              }
              t.put(name, new FloatTensor(shape, data));
            });
    SafetensorsWriter.write(dir.resolve("model.safetensors"), t, DType.F32);
    return dir;
  }
}
