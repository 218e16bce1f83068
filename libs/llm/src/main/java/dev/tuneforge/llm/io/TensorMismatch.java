package dev.tuneforge.llm.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one report of "these tensors do not fit": missing, unexpected and wrong-shaped tensors (and
 * any other named kind, e.g. a wrong LoRA rank), collected while checking and thrown once, with
 * every kind summarised as its count and its first {@value #SHOWN} names. A checkpoint with ten
 * thousand wrong tensors gives a few lines, never megabytes of text.
 */
public final class TensorMismatch {
  /** Names shown per kind; the rest are counted. */
  public static final int SHOWN = 5;

  public static final String MISSING = "missing tensors";
  public static final String WRONG_SHAPE = "wrong shapes";
  public static final String UNEXPECTED = "unexpected tensors";

  private final Map<String, List<String>> byKind = new LinkedHashMap<>();

  public TensorMismatch() {
    byKind.put(MISSING, new ArrayList<>());
    byKind.put(WRONG_SHAPE, new ArrayList<>());
    byKind.put(UNEXPECTED, new ArrayList<>());
  }

  public TensorMismatch missing(String name) {
    return add(MISSING, name);
  }

  public TensorMismatch unexpected(String name) {
    return add(UNEXPECTED, name);
  }

  public TensorMismatch wrongShape(String name, long[] expected, long[] found) {
    return add(
        WRONG_SHAPE,
        name
            + " (expected "
            + Arrays.toString(expected)
            + ", found "
            + Arrays.toString(found)
            + ")");
  }

  /** A wrong shape described by the caller, e.g. both factors of a LoRA module. */
  public TensorMismatch wrongShape(String described) {
    return add(WRONG_SHAPE, described);
  }

  /**
   * Any other kind of problem, e.g. {@code "rank differs from r = 8"}; listed after the standard
   * kinds.
   */
  public TensorMismatch add(String kind, String item) {
    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(item);
    return this;
  }

  public boolean isEmpty() {
    return byKind.values().stream().allMatch(List::isEmpty);
  }

  public int count(String kind) {
    return byKind.getOrDefault(kind, List.of()).size();
  }

  /**
   * Throws {@link IllegalArgumentException} with {@code header} and one line per non-empty kind,
   * e.g. {@code " missing tensors: a, b"}; returns when nothing was recorded.
   */
  public void throwIfAny(String header) {
    if (isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder(header);
    byKind.forEach(
        (kind, items) -> {
          if (!items.isEmpty()) {
            sb.append("\n  ").append(kind).append(": ").append(summary(items));
          }
        });
    throw new IllegalArgumentException(sb.toString());
  }

  /**
   * {@code "a, b, c"} or, beyond {@value #SHOWN}, {@code "a, b, c, d, e and 995 more (1000 in
   * all)"}; each item cut to 200 characters (a tensor name in a hostile header can be long).
   */
  public static String summary(List<String> items) {
    List<String> shown =
        items.subList(0, Math.min(SHOWN, items.size())).stream()
            .map(s -> s.length() <= 200 ? s : s.substring(0, 200) + "…")
            .toList();
    if (items.size() <= SHOWN) {
      return String.join(", ", shown);
    }
    return String.join(", ", shown)
        + " and "
        + (items.size() - SHOWN)
        + " more ("
        + items.size()
        + " in all)";
  }
}
