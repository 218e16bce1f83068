package dev.tuneforge.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Each {@code tuneforge model} command on the tiny reference model of each family (built with HF
 * transformers by libs/llm/src/test/python/make_reference_models.py, expected values from there).
 */
class ModelCommandTest {
  private static final Path REFERENCE = Path.of("../libs/llm/src/test/resources/reference");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new TuneForge());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static JsonNode expected(String name) throws IOException {
    return JSON.readTree(Files.readString(REFERENCE.resolve(name).resolve("expected.json")));
  }

  private static String dir(String name) {
    return REFERENCE.resolve(name).toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void infoReportsArchitectureParametersDtypeAndContext(String name) throws IOException {
    Result r = run("model", "info", "--model", dir(name));
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "architecture: " + name.substring(0, name.indexOf('-')).replace("llama3", "llama")),
        r.out());
    assertTrue(
        r.out().contains("parameters: " + expected(name).get("parameter_count").asLong() + "\n"),
        r.out());
    assertTrue(
        r.out().contains("dtype: " + (name.endsWith("bf16") ? "bfloat16" : "float32")), r.out());
    assertTrue(r.out().contains("context length: 128"), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void scoreIdsPrintsOneJsonObjectMatchingTransformers(String name) throws IOException {
    JsonNode seq = expected(name).get("sequences").get(0);
    StringBuilder ids = new StringBuilder();
    seq.get("ids").forEach(i -> ids.append(ids.length() == 0 ? "" : ",").append(i.asInt()));
    Result r = run("model", "score", "--model", dir(name), "--ids", ids.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().strip().lines().count(), r.out());
    JsonNode json = JSON.readTree(r.out());
    assertEquals(seq.get("ids"), json.get("tokens"));
    assertEquals(json.get("tokens").size() - 1, json.get("logprobs").size());
    for (int i = 0; i < json.get("logprobs").size(); i++) {
      assertEquals(
          seq.get("logprobs").get(i).asDouble(), json.get("logprobs").get(i).asDouble(), 1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void scoreTextTokenizesLikeHfTokenizers(String name) throws IOException {
    JsonNode example = expected(name).get("text_example");
    Result r = run("model", "score", "--model", dir(name), "--text", example.get("text").asText());
    assertEquals(0, r.code(), r.err());
    JsonNode json = JSON.readTree(r.out());
    assertEquals(example.get("ids"), json.get("tokens")); // llama's post-processor adds <|bos|>
    assertEquals(json.get("tokens").size() - 1, json.get("logprobs").size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void renderPrintsOnlyTheTemplate(String name) throws IOException {
    Path chat = tmp.resolve("chat.json");
    Files.writeString(
        chat,
        "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]");
    Result r =
        run(
            "model",
            "render",
            "--model",
            dir(name),
            "--chat",
            chat.toString(),
            "--add-generation-prompt");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        r.out());
    Result noPrompt = run("model", "render", "--model", dir(name), "--chat", chat.toString());
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
        noPrompt.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3-bf16", "mistral-f32", "qwen2-bf16", "qwen3-bf16"})
  void generatePrintsTheGreedyCompletion(String name) throws IOException {
    Path model = REFERENCE.resolve(name);
    Result r =
        run(
            "model",
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Hello",
            "--max-new-tokens",
            "6");
    assertEquals(0, r.code(), r.err());
    String want;
    try (Tokenizer tok = Tokenizer.load(model);
        CausalLM lm = ModelLoader.load(new LocalModelSource(model))) {
      int[] tokens =
          new Generator(lm)
              .generate(tok.encode("Hello"), GenerationConfig.greedy(6).withEos(Set.of(1)), null)
              .tokens();
      want = tok.decode(tokens, true);
    }
    assertEquals(want + System.lineSeparator(), r.out());

    Path chat = tmp.resolve("chat.json");
    Files.writeString(chat, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    Result sampled1 =
        run(
            "model",
            "generate",
            "--model",
            model.toString(),
            "--chat",
            chat.toString(),
            "--max-new-tokens",
            "8",
            "--temperature",
            "0.9",
            "--top-p",
            "0.9",
            "--seed",
            "5");
    Result sampled2 =
        run(
            "model",
            "generate",
            "--model",
            model.toString(),
            "--chat",
            chat.toString(),
            "--max-new-tokens",
            "8",
            "--temperature",
            "0.9",
            "--top-p",
            "0.9",
            "--seed",
            "5");
    assertEquals(0, sampled1.code(), sampled1.err());
    assertEquals(sampled1.out(), sampled2.out());
  }

  @Test
  void scoreWithAPeftAdapterMatchesPeft() throws Exception {
    // Adapter written by PEFT 0.21 on the llama3 reference model; expected log-probs from PEFT.
    Path adapter = Path.of("../libs/llm/src/test/resources/peft/llama3-lora");
    JsonNode expected =
        JSON.readTree(Files.readString(adapter.resolve("expected.json"))).get("sequences").get(0);
    String ids =
        String.join(
            ",",
            java.util.stream.StreamSupport.stream(expected.get("ids").spliterator(), false)
                .map(JsonNode::asText)
                .toList());
    Result r =
        run(
            "model",
            "score",
            "--model",
            dir("llama3-bf16"),
            "--adapter",
            adapter.toString(),
            "--ids",
            ids);
    assertEquals(0, r.code(), r.err());
    JsonNode got = JSON.readTree(r.out());
    for (int i = 0; i < expected.get("logprobs").size(); i++) {
      assertEquals(
          expected.get("logprobs").get(i).asDouble(),
          got.get("logprobs").get(i).asDouble(),
          1e-4,
          "logprob " + i);
    }
    Result g =
        run(
            "model",
            "generate",
            "--model",
            dir("llama3-bf16"),
            "--adapter",
            adapter.toString(),
            "--prompt",
            "x",
            "--max-new-tokens",
            "3");
    assertEquals(0, g.code(), g.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-bf16"})
  void badAdaptersAndBadInputsAreRefusedWithAMessage(String name) {
    Result r =
        run("model", "score", "--model", dir(name), "--adapter", tmp.toString(), "--ids", "1,2");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("adapter_config.json"), r.err());
    r = run("model", "info", "--model", tmp.resolve("missing").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("does not exist"), r.err());
    r = run("model", "score", "--model", dir(name), "--ids", "1,999");
    assertTrue(r.err().contains("token id 999"), r.err());
  }
}
