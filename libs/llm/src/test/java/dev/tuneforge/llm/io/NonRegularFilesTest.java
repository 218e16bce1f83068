package dev.tuneforge.llm.io;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.peft.AdapterConfig;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.testutil.Bounded;
import dev.tuneforge.llm.tokenizer.TokenizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder whose files are a FIFO (a reader would block for ever) or a link to /dev/zero (a
 * reader would never finish): every loader refuses the file by name, at once.
 */
class NonRegularFilesTest {

  @TempDir Path dir;

  private static void refusedByName(Bounded.Action load, Path file) {
    Bounded.Cost cost = Bounded.measure(load);
    assertInstanceOf(RuntimeException.class, cost.thrown(), "expected a refusal");
    String message = cost.thrown().getMessage();
    assertTrue(
        message.contains(file.toString()) && message.contains("is not a regular file"), message);
    assertTrue(cost.wallMillis() < 10_000 && cost.peakHeapGrowthMib() < 64, cost.toString());
  }

  private Path zeroLink(String name) throws Exception {
    return Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/zero"));
  }

  @Test
  void modelFolderFilesLinkedToDevZeroAreRefused() throws Exception {
    Path template = zeroLink(ChatTemplate.TEMPLATE_FILE);
    refusedByName(() -> ChatTemplate.load(dir), template);
    Files.delete(template);
    Path config = zeroLink(TokenizerConfig.FILE_NAME);
    refusedByName(() -> TokenizerConfig.read(dir), config);
    Path weights = zeroLink("model.safetensors");
    refusedByName(() -> new LocalModelSource(dir).resolve("model.safetensors"), weights);
    Path adapter = zeroLink(AdapterConfig.FILE);
    refusedByName(() -> AdapterConfig.read(adapter), adapter);
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve(AdapterConfig.FILE);
    // Without mkfifo the test is reported skipped, not passed; the /dev/zero cases cover the gate.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo unavailable");
    refusedByName(() -> AdapterConfig.read(fifo), fifo);
    refusedByName(() -> Folders.readText(fifo, "config"), fifo);
  }

  @Test
  void aTextFileOverItsLimitIsRefusedBeforeReading() throws Exception {
    Path big = Files.writeString(dir.resolve("config.json"), "x".repeat(2000));
    Bounded.Cost cost = Bounded.measure(() -> Folders.readText(big, "config.json", 1000));
    assertTrue(
        cost.thrown().getMessage().contains("is 2000 bytes, over the limit of 1000"),
        cost.thrown().getMessage());
  }
}
