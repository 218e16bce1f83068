package dev.tuneforge.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's dataset, generated on the spot and license-clean: "Last word: seven two nine" answered
 * in one fixed sentence, "The last word is nine.", over ordered triples of distinct number words
 * zero..ten (words the demo base model knows from its corpus, see {@code BaseModel.corpus}, which
 * has no such question: before tuning it answers with digits). The same task, measured learnable by
 * a LoRA run of ~150 steps on that model, is {@code HeldOutExactMatchTest}. Training uses {@value
 * #TRAIN} triples; the rest are never trained on, so the demo's suite and chat prompts ask
 * questions the tuned model has not seen. It carries the imperfections curation exists for (exact
 * repeats, an email address, a phone number). A pure function: the same bytes every time, so a
 * rerun finds its earlier upload.
 */
final class DemoData {
  static final String[] WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
  };
  static final int TRAIN = 330;

  private DemoData() {}

  /** The question about a triple. */
  static String question(String[] triple) {
    return "Last word: " + String.join(" ", triple);
  }

  /** The answer the tuned model should give. */
  static String answer(String[] triple) {
    return "The last word is " + triple[2] + ".";
  }

  /** Every ordered triple of distinct words, in a fixed shuffled order. */
  static List<String[]> triples() {
    List<String[]> all = new ArrayList<>();
    for (String a : WORDS) {
      for (String b : WORDS) {
        for (String c : WORDS) {
          if (!a.equals(b) && !b.equals(c) && !a.equals(c)) {
            all.add(new String[] {a, b, c});
          }
        }
      }
    }
    SplittableRandom random = new SplittableRandom(2026);
    for (int i = all.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String[] t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    return all;
  }

  /** Triples never in the training data, for the suite and the chat prompts. */
  static List<String[]> heldOut() {
    List<String[]> all = triples();
    return all.subList(TRAIN, all.size());
  }

  /** JSONL chat records for the first {@value #TRAIN} triples, plus the imperfections. */
  static String chats() {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    List<String[]> train = triples().subList(0, TRAIN);
    for (int i = 0; i < train.size(); i++) {
      String user = question(train.get(i));
      if (i == 7) {
        user += " (asked by pat@example.com)";
      }
      if (i == 11) {
        user += " (call me on +1 415 555 0134)";
      }
      lines.add(record(json, user, answer(train.get(i))));
      if (i % 40 == 39) {
        lines.add(lines.get(0)); // an exact repeat for the dedup rule to find
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
