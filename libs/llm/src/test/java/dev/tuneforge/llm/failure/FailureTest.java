package dev.tuneforge.llm.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.llm.template.ChatTemplateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Every throwable becomes a kind and one line: what the CLI prints and a service answers. */
class FailureTest {

  @Test
  void outOfMemoryIsOneLineWithTheHeapLimit() {
    Failure f = Failure.of(new OutOfMemoryError("Java heap space"));
    assertEquals(Failure.Kind.OUT_OF_MEMORY, f.kind());
    assertEquals(503, f.httpStatus());
    assertEquals(3, f.exitCode());
    assertTrue(
        f.message()
            .startsWith(
                "out of memory (Java heap space); this process may use at"
                    + " most "
                    + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB"),
        f.message());
    assertFalse(f.message().contains("\n"));
  }

  @Test
  void otherErrorsAreOneLineToo() {
    Failure stack = Failure.of(new StackOverflowError());
    assertEquals(Failure.Kind.BAD_INPUT, stack.kind());
    assertTrue(stack.message().contains("nests too deeply"));
    Failure linkage = Failure.of(new UnsatisfiedLinkError("no torch in\njava.library.path"));
    assertEquals(Failure.Kind.INTERNAL, linkage.kind());
    assertEquals(500, linkage.httpStatus());
    assertEquals(
        "internal error: UnsatisfiedLinkError: no torch in java.library.path", linkage.message());
  }

  @Test
  void inputErrorsKeepTheirMessageAndTheRootCause() {
    Failure bad =
        Failure.of(
            new IllegalArgumentException(
                "adapter_config.json: field \"r\" must" + " be an integer"));
    assertEquals(Failure.Kind.BAD_INPUT, bad.kind());
    assertEquals(400, bad.httpStatus());
    assertEquals(1, bad.exitCode());
    assertEquals("adapter_config.json: field \"r\" must be an integer", bad.message());
    assertEquals(
        Failure.Kind.BAD_INPUT,
        Failure.of(new ChatTemplateException("{% include %} refused")).kind());
    Failure io =
        Failure.of(
            new UncheckedIOException(
                "cannot read /m/config.json", new IOException("Permission denied")));
    assertEquals("cannot read /m/config.json: Permission denied", io.message());
    assertEquals(Failure.Kind.INTERNAL, Failure.of(new IllegalStateException("bug")).kind());
  }
}
