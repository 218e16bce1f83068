package dev.tuneforge.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.train.job.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example job is valid and starts with the command that runs it. */
class ExampleConfigTest {
  @TempDir Path dir;

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "train-full.yaml,FULL,arithmetic-full",
    "train-lora.yaml,LORA,arithmetic-lora",
    "train-qlora.yaml,QLORA,arithmetic-qlora"
  })
  void exampleJobParses(String file, JobConfig.Adapter adapter, String run) throws IOException {
    Path examples = Path.of("..", "examples");
    String yaml = Files.readString(examples.resolve(file));
    assertTrue(
        yaml.lines()
            .findFirst()
            .orElse("")
            .contains("./tuneforge train --config examples/" + file));
    // the same layout in a temp checkout, with the base model folder the first command would create
    Path ex = Files.createDirectories(dir.resolve("examples/data"));
    Files.copy(examples.resolve("data/arithmetic-chat.jsonl"), ex.resolve("arithmetic-chat.jsonl"));
    Files.createDirectories(dir.resolve(".tuneforge/models/base"));
    Files.writeString(dir.resolve("examples").resolve(file), yaml);
    JobConfig job = TrainCommand.load(dir.resolve("examples").resolve(file));
    assertEquals(JobConfig.DatasetType.CHAT, job.datasets().get(0).type());
    assertEquals(adapter, job.adapter());
    assertEquals(dir.resolve(".tuneforge/runs").resolve(run).normalize(), job.outputDir());
  }
}
