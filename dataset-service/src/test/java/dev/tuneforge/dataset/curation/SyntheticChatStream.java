package dev.tuneforge.dataset.curation;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * An endless-looking JSONL file of synthetic chat records, generated record by record as it is
 * read, so a benchmark can stream a million records without holding them. Record i is a function of
 * (seed, i) only. Mix: about 5% exact copies of a recent record (re-cased and re-spaced, so only
 * the normalised hash catches them), 3% near copies (one word changed), 3% with PII (email, phone,
 * card or IP), the rest new. Text is drawn from a 4096-word made-up vocabulary, ~20 user words and
 * ~60 assistant words, about 550 bytes per line.
 */
final class SyntheticChatStream extends InputStream {

  /**
   * Called every {@code probeEvery} records, from the reading thread: lets a benchmark look at the
   * heap.
   */
  interface Probe {
    void at(long records);
  }

  private static final String[] VOCABULARY = vocabulary();

  private final long records;
  private final long seed;
  private final long probeEvery;
  private final Probe probe;
  private long next;
  private byte[] line = new byte[0];
  private int position;

  SyntheticChatStream(long records, long seed, long probeEvery, Probe probe) {
    this.records = records;
    this.seed = seed;
    this.probeEvery = probeEvery;
    this.probe = probe;
  }

  @Override
  public int read() {
    if (!fill()) {
      return -1;
    }
    return line[position++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    int n = 0;
    while (n < len && fill()) {
      int run = Math.min(len - n, line.length - position);
      System.arraycopy(line, position, b, off + n, run);
      position += run;
      n += run;
    }
    return n == 0 && len > 0 ? -1 : n;
  }

  private boolean fill() {
    if (position < line.length) {
      return true;
    }
    if (next >= records) {
      return false;
    }
    if (probe != null && next > 0 && next % probeEvery == 0) {
      probe.at(next);
    }
    line = record(next++).getBytes(StandardCharsets.UTF_8);
    position = 0;
    return true;
  }

  private String record(long i) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    int kind = r.nextInt(100);
    if (kind < 5 && i > 1000) {
      long original = i - 1 - r.nextInt(1000);
      return line(content(original, -1, false).toUpperCase().replace(" ", "  "), r);
    }
    if (kind < 8 && i > 1000) {
      long original = i - 1 - r.nextInt(1000);
      return line(content(original, r.nextInt(80), false), r);
    }
    return line(content(i, -1, kind < 11), r);
  }

  /** "user text\u0000assistant text" for record i, with word {@code changed} replaced when >= 0. */
  private String content(long i, int changed, boolean pii) {
    SplittableRandom r = new SplittableRandom(seed ^ (i * 0xBF58476D1CE4E5B9L));
    StringBuilder user = new StringBuilder();
    StringBuilder assistant = new StringBuilder();
    int userWords = 15 + r.nextInt(10);
    int assistantWords = 45 + r.nextInt(30);
    for (int w = 0; w < userWords + assistantWords; w++) {
      StringBuilder target = w < userWords ? user : assistant;
      if (target.length() > 0) {
        target.append(' ');
      }
      String word =
          VOCABULARY[r.nextInt(VOCABULARY.length)]; // drawn always, so later words stay the same
      target.append(w == changed ? "changed" : word);
    }
    if (pii) {
      switch (r.nextInt(4)) {
        case 0 -> user.append(" my email is user").append(i).append("@example.com");
        case 1 -> user.append(" call me at +1 415-555-").append(1000 + r.nextInt(9000));
        case 2 -> user.append(" card 4111 1111 1111 1111");
        default ->
            assistant
                .append(" the server is at 10.0.")
                .append(r.nextInt(256))
                .append('.')
                .append(r.nextInt(256));
      }
    }
    user.append(", version 2.").append(r.nextInt(20)).append(" of the tool?");
    return user + "\u0000" + assistant;
  }

  private static String line(String content, SplittableRandom r) {
    int split = content.indexOf('\u0000');
    return "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
        + "{\"role\":\"user\",\"content\":\""
        + content.substring(0, split)
        + "\"},"
        + "{\"role\":\"assistant\",\"content\":\""
        + content.substring(split + 1)
        + "\"}]}\n";
  }

  private static String[] vocabulary() {
    String[] syllables = {
      "ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "gen", "dar", "vel", "is", "or", "an", "tek",
      "qua"
    };
    String[] words = new String[4096];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      int n = 1 + r.nextInt(3);
      for (int s = 0; s < n; s++) {
        w.append(syllables[r.nextInt(syllables.length)]);
      }
      words[i] = w.toString();
    }
    return words;
  }
}
