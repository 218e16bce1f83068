package dev.tuneforge.llm.export.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs {@code scripts/gguf-check/greedy.mjs} (llama.cpp's CPU build from the npm package
 * node-llama-cpp, installed by {@code scripts/gguf-check/install.sh}). {@link #find()} is empty
 * when {@code node} or the installed package is missing, so tests can skip; nothing is installed or
 * downloaded here.
 */
public final class NodeLlamaCpp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path script;

  private NodeLlamaCpp(Path script) {
    this.script = script;
  }

  /** The checker, or null when node or node-llama-cpp is not installed. */
  public static NodeLlamaCpp find() {
    Path dir = checkDir();
    if (dir == null || !Files.isDirectory(dir.resolve("node_modules/node-llama-cpp"))) {
      return null;
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return new NodeLlamaCpp(dir.resolve("greedy.mjs"));
  }

  /**
   * {@code scripts/gguf-check} of the checkout: the system property, else up from the working
   * directory.
   */
  private static Path checkDir() {
    String prop = System.getProperty("tuneforge.gguf-check.dir");
    if (prop != null) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/gguf-check/greedy.mjs"))) {
        return p.resolve("scripts/gguf-check");
      }
    }
    return null;
  }

  /** What llama.cpp produced. */
  public record Output(int[] tokens, int[] tokenized) {}

  public Output greedy(Path model, Path lora, int[] prompt, int maxNew, String text) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                script.toString(),
                "--model",
                model.toString(),
                "--ids",
                Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                "--max",
                Integer.toString(maxNew)));
    if (lora != null) {
      cmd.addAll(List.of("--lora", lora.toString()));
    }
    if (text != null) {
      cmd.addAll(List.of("--text", text));
    }
    try {
      Path errFile = Files.createTempFile("llama-cpp", ".err");
      Process p =
          new ProcessBuilder(cmd)
              .directory(script.getParent().toFile())
              .redirectError(errFile.toFile())
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("llama.cpp check timed out: " + cmd);
      }
      String err = Files.readString(errFile);
      Files.deleteIfExists(errFile);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "llama.cpp check failed (exit " + p.exitValue() + "): " + err + out);
      }
      String last = out.strip().lines().reduce((a, b) -> b).orElse("");
      JsonNode json = JSON.readTree(last);
      return new Output(
          ints(json.get("tokens")), json.has("tokenized") ? ints(json.get("tokenized")) : null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  /**
   * The ids llama.cpp ends generation on: its eos id and the tokens it recognises by text
   * (llama-vocab.cpp's list, the entries that can occur in these vocabularies).
   */
  public static Set<Integer> eogIds(Path gguf) {
    GgufFile f = GgufFile.read(gguf);
    Set<Integer> ids = new HashSet<>();
    GgufValue eos = f.metadata().get("tokenizer.ggml.eos_token_id");
    if (eos != null) {
      ids.add((int) eos.asLong());
    }
    List<?> tokens = f.get("tokenizer.ggml.tokens").asList();
    Set<String> eogTexts =
        Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<|endoftext|>",
            "</s>",
            "<|eom_id|>",
            "<|end_of_text|>",
            "<eos>");
    for (int i = 0; i < tokens.size(); i++) {
      if (eogTexts.contains(tokens.get(i))) {
        ids.add(i);
      }
    }
    return ids;
  }
}
