package dev.tuneforge.llm.train.job.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a job process printed besides its messages (stderr, and stdout lines that are not
 * messages, where the JVM writes its fatal error summary), to say why it died.
 */
final class OutputTail {

  static final int LINES = 40;
  private static final String FATAL = "A fatal error has been detected by the Java Runtime";

  private final Deque<String> lines = new ArrayDeque<>();

  synchronized void add(String line) {
    String l = line.strip();
    if (l.isEmpty() || l.equals("#")) {
      return;
    }
    if (lines.size() == LINES) {
      lines.removeFirst();
    }
    lines.addLast(l.length() > 500 ? l.substring(0, 500) + "…" : l);
  }

  /**
   * A short account: the JVM's fatal error summary (the signal and the problematic frame) when it
   * printed one, else the last few lines; joined with " | ".
   */
  synchronized String summary() {
    List<String> all = new ArrayList<>(lines);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).contains(FATAL)) {
        List<String> picked = new ArrayList<>();
        picked.add(all.get(i).replaceFirst("^#\\s*", ""));
        for (int j = i + 1; j < all.size(); j++) {
          String l = all.get(j).replaceFirst("^#\\s*", "");
          if (l.matches("^(SIG[A-Z]+|EXCEPTION_|Internal Error|Out of Memory).*")
              || l.startsWith("Problematic frame")
              || (j > 0 && all.get(j - 1).contains("Problematic frame"))
              || l.startsWith("An error report file")
              || (j > 0 && all.get(j - 1).contains("An error report file"))) {
            picked.add(l);
          }
        }
        return String.join(" | ", picked);
      }
    }
    return String.join(" | ", all.subList(Math.max(0, all.size() - 8), all.size()));
  }
}
