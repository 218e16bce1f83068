package dev.tuneforge.cli.basemodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.llm.train.ModelInit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo base model's pieces: a small Llama-architecture config, the committed byte-level BPE
 * tokenizer with a ChatML template (see SOURCES.md beside it), a seeded initialisation and a
 * generated, license-clean corpus (templated arithmetic in words and digits, as sentences and as
 * ChatML chats).
 */
public final class BaseModel {

  static final String[] TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json"};
  private static final String[] WORDS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty"
  };

  /** Texts of the corpus kept beside the model for the evaluator's forgetting check. */
  public static final int RETENTION_LINES = 32;

  private BaseModel() {}

  /**
   * config.json of the base model: hidden {@code hidden}, {@code layers} layers, vocab 408
   * (tokenizer 401).
   */
  public static ObjectNode config(int hidden, int layers) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", hidden);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", Math.max(1, hidden / 32));
    c.put("num_key_value_heads", Math.max(1, hidden / 64));
    c.put("intermediate_size", hidden * 8 / 3 / 8 * 8);
    c.put("vocab_size", 408);
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("max_position_embeddings", 512);
    c.put("tie_word_embeddings", true);
    c.put("initializer_range", 0.02);
    c.put("bos_token_id", 0);
    c.put("eos_token_id", 2);
    c.put("pad_token_id", 0);
    c.put("torch_dtype", "float32");
    return c;
  }

  /** Writes config.json, seeded random weights and the tokenizer files into {@code dir}. */
  public static Path init(Path dir, ObjectNode config, long seed) {
    ModelInit.write(dir, config, seed);
    writeTokenizer(dir);
    return dir;
  }

  public static void writeTokenizer(Path dir) {
    for (String f : TOKENIZER_FILES) {
      try (InputStream in = BaseModel.class.getResourceAsStream(f)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + f);
        }
        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code n} corpus lines as JSONL {"text": ...}, a pure function of the seed. */
  public static List<String> corpus(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = r.nextInt(11);
      int b = r.nextInt(10);
      String text =
          switch (r.nextInt(4)) {
            case 0 -> capital(WORDS[a]) + " plus " + WORDS[b] + " is " + WORDS[a + b] + ".";
            case 1 -> a + " + " + b + " = " + (a + b);
            case 2 ->
                "If you have "
                    + WORDS[a]
                    + " apples and get "
                    + WORDS[b]
                    + " more, you have "
                    + WORDS[a + b]
                    + " apples.";
            default ->
                "<|im_start|>user\nWhat is "
                    + a
                    + " plus "
                    + b
                    + "?<|im_end|>\n<|im_start|>assistant\n"
                    + (a + b)
                    + "<|im_end|>\n";
          };
      lines.add(json.createObjectNode().put("text", text).toString());
    }
    return lines;
  }

  /**
   * The retention corpus the base model carries ({@link RetentionCorpus#FILE}): the first {@value
   * #RETENTION_LINES} texts of its own training corpus (the corpus is prefix-stable, so these are
   * exactly the lines it trained on first).
   */
  public static List<String> retentionSlice(long seed) {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String line : corpus(RETENTION_LINES, seed)) {
      try {
        texts.add(json.readTree(line).get("text").asText());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return texts;
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
