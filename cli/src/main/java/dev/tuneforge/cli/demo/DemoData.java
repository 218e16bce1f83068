package dev.tuneforge.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's dataset, generated on the spot and license-clean: the questions the demo base model
 * already answers with a bare number ({@code What is 3 plus 4?} → {@code 7}, see {@code
 * BaseModel.corpus}), answered instead in one fixed sentence ({@code The answer is 7.}) — a format
 * the base never produces, so the tuned model's answers show at a glance what training taught it.
 * It carries the imperfections curation exists for (exact repeats, an email address, a phone
 * number) so every rule has something to do. A pure function: the same bytes every time, so a rerun
 * finds its earlier upload.
 */
final class DemoData {
  static final String[] WORDS = {
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
    "nineteen"
  };

  private DemoData() {}

  /** The answer the tuned model should give to "a plus b". */
  static String answer(int a, int b) {
    return "The answer is " + (a + b) + ".";
  }

  /**
   * JSONL chat records: every a in 0..10, b in 0..9, in three phrasings, plus the imperfections.
   */
  static String chats() {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (int phrasing = 0; phrasing < 3; phrasing++) {
      for (int a = 0; a <= 10; a++) {
        for (int b = 0; b <= 9; b++) {
          String user =
              switch (phrasing) {
                case 0 -> "What is " + a + " plus " + b + "?";
                case 1 -> "Add " + a + " and " + b + ".";
                default -> "How much is " + a + " + " + b + "?";
              };
          if (lines.size() == 7) {
            user += " Mail it to pat@example.com.";
          }
          if (lines.size() == 11) {
            user += " Or call +1 415 555 0134.";
          }
          lines.add(record(json, user, answer(a, b)));
          if (lines.size() % 40 == 39) {
            lines.add(lines.get(0)); // an exact repeat for the dedup rule to find
          }
        }
      }
    }
    return String.join("\n", lines) + "\n";
  }

  private static String record(ObjectMapper json, String user, String assistant) {
    ObjectNode r = json.createObjectNode();
    ArrayNode messages = r.putArray("messages");
    messages.addObject().put("role", "user").put("content", user);
    messages.addObject().put("role", "assistant").put("content", assistant);
    return r.toString();
  }
}
