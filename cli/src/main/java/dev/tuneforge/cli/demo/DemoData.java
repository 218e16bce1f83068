package dev.tuneforge.cli.demo;

import java.util.Random;

/**
 * A small, license-clean chat dataset generated on the spot: arithmetic questions answered by an
 * assistant, with the imperfections curation exists for (exact repeats, an email address, a phone
 * number), so the demo shows every rule at work.
 */
final class DemoData {
  private DemoData() {}

  static String chats(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    String firstLine = null;
    for (int i = 0; i < count; i++) {
      int a = random.nextInt(90) + 10;
      int b = random.nextInt(90) + 10;
      String user =
          switch (i % 3) {
            case 0 -> "What is " + a + " plus " + b + "?";
            case 1 -> "Add " + a + " and " + b + ", please.";
            default -> "Compute " + a + " + " + b + ".";
          };
      if (i == 7) {
        user += " Send the answer to student" + seed + "@example.com.";
      }
      if (i == 11) {
        user += " Or call me on +1 415 555 0134.";
      }
      String line =
          "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a calculator. Answer with the number only.\"},"
              + "{\"role\":\"user\",\"content\":\""
              + user
              + "\"},{\"role\":\"assistant\",\"content\":\""
              + (a + b)
              + "\"}]}\n";
      if (firstLine == null) {
        firstLine = line;
      }
      sb.append(line);
      if (i % 25 == 24) {
        sb.append(firstLine); // an exact repeat for the dedup rule to find
      }
    }
    return sb.toString();
  }
}
