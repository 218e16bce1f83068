package dev.tuneforge.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.config.ModelConfig;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.generate.GenerationConfig;
import dev.tuneforge.llm.generate.Generator;
import dev.tuneforge.llm.model.Architecture;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.safetensors.SafetensorsCheckpoint;
import dev.tuneforge.llm.safetensors.TensorInfo;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tuneforge model info|generate|render|score|publish}: the local inference engine on a HF
 * model folder.
 */
@Command(
    name = "model",
    description = "Inspect, run and score a Hugging Face model folder with the local engine.",
    footer = {"", "Example:", "  tuneforge model info --model ./SmolLM2-135M-Instruct"},
    subcommands = {
      ModelCommand.Info.class,
      ModelCommand.Generate.class,
      ModelCommand.Render.class,
      ModelCommand.Score.class,
      ModelPublishCommand.class,
    })
public final class ModelCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Shared options and the error convention: a bad input prints "error: ..." and exits 2. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--model",
        required = true,
        paramLabel = "DIR",
        converter = ModelFolderConverter.class,
        description =
            "HF model folder (config.json, *.safetensors, tokenizer files), local or s3://BUCKET/PREFIX/.")
    Path model;

    @Override
    public final Integer call() {
      try {
        run(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
      } catch (RuntimeException | IOException e) {
        // Bad folders, checkpoints, ids, tokenizer or template: one line naming the cause.
        spec.commandLine().getErr().println("error: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 2;
      }
    }

    abstract void run(PrintWriter out) throws IOException;
  }

  /** The base model, with the PEFT adapter in {@code adapter} applied when one is given. */
  static CausalLM load(Path model, Path adapter) {
    LocalModelSource source = new LocalModelSource(model);
    return adapter == null
        ? ModelLoader.load(source)
        : dev.tuneforge.llm.peft.AdapterLoader.load(source, adapter).model();
  }

  static List<ChatMessage> readChat(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file));
    JsonNode messages = root.isObject() && root.has("messages") ? root.get("messages") : root;
    if (messages == null || !messages.isArray()) {
      throw new IllegalArgumentException(
          file
              + ": expected a JSON array of {\"role\", \"content\"} messages"
              + " (or an object with \"messages\")");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.hasNonNull("role") || !m.has("content")) {
        throw new IllegalArgumentException(
            file + ": message " + i + " needs \"role\" and \"content\"");
      }
      out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
    }
    return out;
  }

  @Command(
      name = "info",
      description = "Architecture, parameter count, stored dtype and context length.",
      footer = {"", "Example:", "  tuneforge model info --model ./SmolLM2-135M-Instruct"})
  public static final class Info extends Base {
    @Override
    void run(PrintWriter out) {
      LocalModelSource source = new LocalModelSource(model);
      ModelConfig c = ModelLoader.config(source);
      Architecture arch = ModelLoader.architecture(c.modelType());
      long params = 0;
      String dtype;
      try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source)) {
        ckpt.validate(arch.expectedTensors(c), n -> arch.ignorable(n, c));
        for (var e : arch.expectedTensors(c).entrySet()) {
          params += ckpt.info(e.getKey()).numel();
        }
        dtype =
            ckpt.tensors().values().stream()
                .map(TensorInfo::dtype)
                .distinct()
                .map(d -> d.torchName())
                .reduce((a, b) -> a + "+" + b)
                .orElse("none");
      }
      out.printf("architecture: %s%n", c.modelType().hfName());
      out.printf("parameters: %d%n", params);
      out.printf("dtype: %s%n", dtype);
      out.printf("context length: %d%n", c.maxPositionEmbeddings());
      out.printf(
          "layers: %d, hidden: %d, heads: %d, kv heads: %d, head dim: %d, vocab: %d%n",
          c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headDim(), c.vocabSize());
      out.printf(
          "tied embeddings: %s, rope theta: %s, rope scaling: %s%n",
          c.tieWordEmbeddings(),
          c.ropeTheta(),
          c.ropeScaling() == null ? "none" : c.ropeScaling().type());
    }
  }

  static final class PromptInput {
    @Option(
        names = "--prompt",
        paramLabel = "TEXT",
        description = "Raw prompt text (tokenized with the tokenizer's special-token rules).")
    String prompt;

    @Option(
        names = "--chat",
        paramLabel = "FILE.json",
        description =
            "Chat messages, rendered with the model's chat template plus the generation prompt.")
    Path chat;
  }

  @Command(
      name = "generate",
      description = "Print the model's completion of a prompt or chat.",
      footer = {
        "",
        "Example:",
        "  tuneforge model generate --model ./SmolLM2-135M-Instruct --prompt \"What is 2 plus 3?\""
      })
  public static final class Generate extends Base {
    @Option(
        names = "--adapter",
        paramLabel = "DIR",
        description =
            "PEFT adapter folder (adapter_config.json + adapter_model.safetensors) applied to the model.")
    Path adapter;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptInput input;

    @Option(
        names = "--max-new-tokens",
        defaultValue = "128",
        description = "Upper bound on generated tokens (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(
        names = "--temperature",
        defaultValue = "0",
        description = "0 = greedy (default); higher samples more freely.")
    double temperature;

    @Option(
        names = "--top-p",
        defaultValue = "1.0",
        description = "Nucleus sampling mass (default ${DEFAULT-VALUE} = off).")
    double topP;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "Random seed for sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    void run(PrintWriter out) throws IOException {
      try (Tokenizer tokenizer = Tokenizer.load(model)) {
        int[] ids;
        if (input.chat != null) {
          String rendered = ChatTemplate.load(model).render(readChat(input.chat), true);
          ids = tokenizer.encode(rendered, false); // the template already wrote the special tokens
        } else {
          ids = tokenizer.encode(input.prompt);
        }
        try (CausalLM lm = load(model, adapter)) {
          Set<Integer> eos = new LinkedHashSet<>(lm.config().eosTokenIds());
          Arrays.stream(tokenizer.eosIds()).forEach(eos::add);
          GenerationConfig config =
              new GenerationConfig(maxNewTokens, temperature, 0, topP, seed, eos, List.of());
          Generation g = new Generator(lm).generate(ids, config, t -> tokenizer.decode(t, true));
          out.println(g.text());
        }
      }
    }
  }

  @Command(
      name = "render",
      description = "Print the chat template rendered for a chat (nothing else).",
      footer = {
        "",
        "Example:",
        "  tuneforge model render --model ./SmolLM2-135M-Instruct --chat chat.json"
      })
  public static final class Render extends Base {
    @Option(
        names = "--chat",
        required = true,
        paramLabel = "FILE.json",
        description = "Chat messages as JSON.")
    Path chat;

    @Option(names = "--add-generation-prompt", description = "Append the assistant turn header.")
    boolean addGenerationPrompt;

    @Override
    void run(PrintWriter out) throws IOException {
      out.print(ChatTemplate.load(model).render(readChat(chat), addGenerationPrompt));
    }
  }

  static final class ScoreInput {
    @Option(
        names = "--text",
        paramLabel = "TEXT",
        description = "Text, tokenized exactly as in training.")
    String text;

    @Option(names = "--ids", paramLabel = "1,2,3", split = ",", description = "Token ids.")
    int[] ids;
  }

  @Command(
      name = "score",
      description = "Print {\"tokens\":[...],\"logprobs\":[...]}: log p(token[i+1] | tokens[..i]).",
      footer = {
        "",
        "Example:",
        "  tuneforge model score --model ./SmolLM2-135M-Instruct --text \"Hello\""
      })
  public static final class Score extends Base {
    @Option(
        names = "--adapter",
        paramLabel = "DIR",
        description =
            "PEFT adapter folder (adapter_config.json + adapter_model.safetensors) applied to the model.")
    Path adapter;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ScoreInput input;

    @Override
    void run(PrintWriter out) throws IOException {
      int[] ids;
      if (input.text != null) {
        try (Tokenizer tokenizer = Tokenizer.load(model)) {
          ids = tokenizer.encode(input.text);
        }
      } else {
        ids = input.ids;
      }
      float[] logprobs;
      try (CausalLM lm = load(model, adapter)) {
        logprobs = Scorer.logprobs(lm, ids);
      }
      ObjectNode result = JSON.createObjectNode();
      ArrayNode tokens = result.putArray("tokens");
      Arrays.stream(ids).forEach(tokens::add);
      ArrayNode lp = result.putArray("logprobs");
      for (float v : logprobs) {
        lp.add(v);
      }
      out.println(JSON.writeValueAsString(result));
    }
  }
}
