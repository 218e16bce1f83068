package dev.tuneforge.evaluator.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.Parsed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every suite shipped in examples/suites parses. */
class ExampleSuitesTest {
  @Test
  void examplesParse() throws IOException {
    Path dir = Path.of("..", "examples", "suites");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json"))
              .sorted()
              .toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      Parsed<Suite> p = SuiteParser.parse(Files.readString(f));
      assertTrue(p.ok(), () -> f + ": " + p.errors());
    }
  }
}
