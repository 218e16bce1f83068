package dev.tuneforge.dataset.curation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Words and regexes a record must not contain. Words match case-insensitively and whole (so "ass"
 * does not block "class"), by {@code indexOf} on the lower-cased text rather than one big
 * alternation regex, which is faster for short lists; regexes are the user's own, found anywhere.
 * Thread-safe: immutable.
 */
public final class Blocklist {

  private final List<String> words;
  private final List<Pattern> patterns;

  public Blocklist(List<String> words, List<String> patterns) {
    this.words = words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    List<Pattern> compiled = new ArrayList<>();
    for (String p : patterns) {
      compiled.add(Pattern.compile(p));
    }
    this.patterns = List.copyOf(compiled);
  }

  public boolean isEmpty() {
    return words.isEmpty() && patterns.isEmpty();
  }

  /** The first entry the text matches, quoted for the report, or null when it matches none. */
  public String firstMatch(String text) {
    if (!words.isEmpty()) {
      String lower = text.toLowerCase(Locale.ROOT);
      for (String word : words) {
        if (containsWord(lower, word)) {
          return "word \"" + word + "\"";
        }
      }
    }
    for (Pattern p : patterns) {
      if (p.matcher(text).find()) {
        return "pattern /" + p.pattern() + "/";
      }
    }
    return null;
  }

  private static boolean containsWord(String text, String word) {
    for (int from = text.indexOf(word); from >= 0; from = text.indexOf(word, from + 1)) {
      int end = from + word.length();
      boolean startOk = from == 0 || !Character.isLetterOrDigit(text.charAt(from - 1));
      boolean endOk = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
      if (startOk && endOk) {
        return true;
      }
    }
    return false;
  }
}
