package dev.tuneforge.cli.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.cli.CliRun;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.cli.basemodel.BaseModel;
import dev.tuneforge.llm.export.gguf.GgmlType;
import dev.tuneforge.llm.export.gguf.GgufFile;
import dev.tuneforge.llm.lora.LoraConfig;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.peft.PeftAdapter;
import dev.tuneforge.llm.peft.PeftNames;
import dev.tuneforge.llm.safetensors.DType;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.safetensors.SafetensorsWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tuneforge export} writes GGUF files the reader accepts, from the demo base model. */
class ExportCommandTest {
  @TempDir Path dir;

  @Test
  void exportsTheDemoBaseAsQ8AndAnAdapterAsGgufLora() throws Exception {
    Path base = BaseModel.init(dir.resolve("base"), BaseModel.config(64, 2), 5);
    String out =
        CliRun.run(
            "export",
            "--format",
            "gguf",
            "--type",
            "q8_0",
            base.toString(),
            dir.resolve("base-q8_0.gguf").toString());
    assertTrue(out.contains("GGUF q8_0, architecture llama"), out);
    GgufFile f = GgufFile.read(dir.resolve("base-q8_0.gguf"));
    assertEquals(7L, f.get("general.file_type").asLong());
    assertEquals(408, f.get("tokenizer.ggml.tokens").asList().size());
    assertEquals(GgmlType.Q8_0, f.tensor("blk.0.ffn_gate.weight").type());
    // intermediate 168 is not a whole number of 32-value blocks: ffn_down rows fall back to F16
    assertEquals(GgmlType.F16, f.tensor("blk.0.ffn_down.weight").type());

    Path adapter = adapter(dir.resolve("adapter"));
    out =
        CliRun.run(
            "export",
            "--format",
            "gguf-lora",
            "--adapter",
            adapter.toString(),
            base.toString(),
            dir.resolve("adapter.gguf").toString());
    assertTrue(out.contains("GGUF LoRA for llama, 2 modules, r 4"), out);
    GgufFile lora = GgufFile.read(dir.resolve("adapter.gguf"));
    assertEquals("adapter", lora.get("general.type").asString());
    assertEquals(4, lora.tensors().size());

    CliRun.run(
        "export",
        "--type",
        "f32",
        "--adapter",
        adapter.toString(),
        "--name",
        "demo-merged",
        base.toString(),
        dir.resolve("merged.gguf").toString());
    assertEquals(
        "demo-merged", GgufFile.read(dir.resolve("merged.gguf")).get("general.name").asString());
  }

  @Test
  void anUnknownTypeFailsWithOneLineNamingIt() throws Exception {
    Path base = BaseModel.init(dir.resolve("base"), BaseModel.config(64, 1), 5);
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setErr(new PrintWriter(err));
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("tuneforge: " + e.getMessage());
          return 1;
        });
    int code =
        cli.execute("export", "--type", "q5_k", base.toString(), dir.resolve("x.gguf").toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("unsupported GGUF type 'q5_k'"), err.toString());
    assertFalse(Files.exists(dir.resolve("x.gguf")));
  }

  /** A PEFT adapter with r 4 on layer 0's q_proj and v_proj (hidden 64, 2 heads of 32, kv 1). */
  private static Path adapter(Path dir) throws Exception {
    Files.createDirectories(dir);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    for (String m : List.of("q_proj", "v_proj")) {
      String module = "model.layers.0.self_attn." + m;
      int out = m.equals("q_proj") ? 64 : 32;
      t.put(PeftNames.loraA(module), new FloatTensor(new long[] {4, 64}, fill(4 * 64, 0.01f)));
      t.put(PeftNames.loraB(module), new FloatTensor(new long[] {out, 4}, fill(out * 4, 0.02f)));
    }
    SafetensorsWriter.write(dir.resolve(PeftAdapter.WEIGHTS_FILE), t, DType.F32);
    List<String> targets =
        List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj");
    new AdapterConfig(LoraConfig.of(4, 8, targets), "demo")
        .write(dir.resolve(AdapterConfig.FILE), targets);
    return dir;
  }

  private static float[] fill(int n, float step) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((i % 7) - 3) * step;
    }
    return out;
  }
}
