package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.train.job.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example job is valid and starts with the command that runs it. */
class ExampleConfigTest {
  @TempDir Path dir;

  @Test
  void exampleJobParses() throws IOException {
    Path examples = Path.of("..", "examples");
    String yaml = Files.readString(examples.resolve("train-full.yaml"));
    assertTrue(yaml.lines().findFirst().orElse("").contains("./tuneforge train --config examples/train-full.yaml"));
    // the same layout in a temp checkout, with the base model folder the first command would create
    Path ex = Files.createDirectories(dir.resolve("examples/data"));
    Files.copy(examples.resolve("data/arithmetic-chat.jsonl"), ex.resolve("arithmetic-chat.jsonl"));
    Files.createDirectories(dir.resolve(".tuneforge/models/base"));
    Files.writeString(dir.resolve("examples/train-full.yaml"), yaml);
    JobConfig job = TrainCommand.load(dir.resolve("examples/train-full.yaml"));
    assertEquals(JobConfig.DatasetType.CHAT, job.datasets().get(0).type());
    assertEquals(dir.resolve(".tuneforge/runs/arithmetic-full").normalize(), job.outputDir());
    assertEquals(3, job.training().earlyStoppingPatience());
  }
}
