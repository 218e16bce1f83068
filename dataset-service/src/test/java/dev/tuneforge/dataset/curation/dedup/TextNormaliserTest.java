package dev.tuneforge.dataset.curation.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tuneforge.dataset.record.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextNormaliserTest {

  private final TextNormaliser normaliser = new TextNormaliser();

  private String key(String user, String assistant) {
    return normaliser.key(List.of(Message.of("user", user), Message.of("assistant", assistant)));
  }

  @Test
  void collapsesWhitespaceAndFoldsCase() {
    assertEquals(key("Hello World", "Fine."), key("  hello\n\tWORLD ", "fine."));
  }

  @Test
  void composesUnicode() {
    assertEquals(key("caf\u00e9", "x"), key("cafe\u0301", "x"));
  }

  @Test
  void foldsBeyondAscii() {
    assertEquals(TextNormaliser.normalise("STRASSE"), TextNormaliser.normalise("Straße"));
    assertEquals(TextNormaliser.normalise("ΟΔΟΣ"), TextNormaliser.normalise("οδος"));
  }

  @Test
  void keepsPunctuationDigitsAndRoles() {
    assertNotEquals(key("2+2", "4"), key("2+2", "5"));
    assertNotEquals(
        normaliser.key(List.of(Message.of("user", "a"), Message.of("assistant", "b"))),
        normaliser.key(List.of(Message.of("system", "a"), Message.of("assistant", "b"))));
    // turn boundaries matter: "a b" + "c" is not "a" + "b c"
    assertNotEquals(key("a b", "c"), key("a", "b c"));
  }
}
