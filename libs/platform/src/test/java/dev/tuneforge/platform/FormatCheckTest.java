package dev.tuneforge.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The build's format check can fail: a throw-away project that inherits the root pom (so the very
 * Spotless and google-java-format configuration of the build) is checked with one badly formatted
 * file and then with the same file formatted. Maven runs offline: the outer build has already
 * resolved the plugin in its validate phase.
 */
class FormatCheckTest {

  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  static final String BADLY_FORMATTED =
      "package demo;\n" + "public class Sample {   public int twice(int x){return x*2;}\n" + "}\n";

  static final String FORMATTED =
      "package demo;\n"
          + "\n"
          + "public class Sample {\n"
          + "  public int twice(int x) {\n"
          + "    return x * 2;\n"
          + "  }\n"
          + "}\n";

  @Test
  void unformattedFileFailsTheBuildAndFormattedOnePasses() throws Exception {
    Path project = Files.createTempDirectory("format-check-");
    Files.writeString(project.resolve("pom.xml"), pom(project), StandardCharsets.UTF_8);
    Path source = project.resolve("src/main/java/demo/Sample.java");
    Files.createDirectories(source.getParent());

    Files.writeString(source, BADLY_FORMATTED, StandardCharsets.UTF_8);
    Result bad = spotlessCheck(project);
    assertNotEquals(0, bad.exitCode, bad.output);
    assertTrue(bad.output.contains("Sample.java"), "the failure names the file:\n" + bad.output);
    assertTrue(
        bad.output.contains("spotless:apply"), "the failure says how to fix it:\n" + bad.output);

    Files.writeString(source, FORMATTED, StandardCharsets.UTF_8);
    Result good = spotlessCheck(project);
    assertEquals(0, good.exitCode, good.output);
  }

  private static String pom(Path project) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>dev.tuneforge</groupId>
            <artifactId>tuneforge-parent</artifactId>
            <version>0.1.0-SNAPSHOT</version>
            <relativePath>%s</relativePath>
          </parent>
          <artifactId>format-check-sample</artifactId>
          <packaging>jar</packaging>
        </project>
        """
        .formatted(project.toAbsolutePath().relativize(ROOT.resolve("pom.xml")));
  }

  record Result(int exitCode, String output) {}

  private static Result spotlessCheck(Path project) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-o", "-q", "spotless:check"));
    Process p =
        new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("mvn spotless:check did not finish in 5 minutes:\n" + output);
    }
    return new Result(p.exitValue(), output);
  }
}
