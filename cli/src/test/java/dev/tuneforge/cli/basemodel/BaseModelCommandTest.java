package dev.tuneforge.cli.basemodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.template.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tuneforge base-model}: HF layout, loadable, same bytes for the same seed and steps. */
class BaseModelCommandTest {
  @TempDir Path dir;

  @Test
  void producesTheSameLoadableModelTwice() throws IOException {
    String[] common = {"--steps", "3", "--hidden", "32", "--layers", "2"};
    for (String name : new String[] {"a", "b"}) {
      String[] args = new String[common.length + 3];
      args[0] = "base-model";
      args[1] = "--out";
      args[2] = dir.resolve(name).toString();
      System.arraycopy(common, 0, args, 3, common.length);
      assertEquals(0, new CommandLine(new TuneForge()).execute(args));
    }
    Path a = dir.resolve("a");
    assertArrayEquals(
        Files.readAllBytes(a.resolve("model.safetensors")),
        Files.readAllBytes(dir.resolve("b").resolve("model.safetensors")));
    assertFalse(Files.exists(a.resolve("checkpoints")));
    try (CausalLM model = ModelLoader.load(new LocalModelSource(a))) {
      assertEquals(32, model.config().hiddenSize());
    }
    assertTrue(ChatTemplate.load(a).source().contains("<|im_start|>"));
    // the forgetting check's default corpus: the first lines of the corpus the model trained on
    RetentionCorpus retention = RetentionCorpus.forBaseModel(a).orElseThrow();
    assertEquals(BaseModel.RETENTION_LINES, retention.texts().size());
    String first =
        new ObjectMapper().readTree(BaseModel.corpus(1, 1234).get(0)).get("text").asText();
    assertEquals(first, retention.texts().get(0));
  }
}
