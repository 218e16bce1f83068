package dev.tuneforge.trainer.worker;

import dev.tuneforge.artifact.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The validation records of a dataset without a validation split: the 10% of records (at least one)
 * with the smallest sha256 of their line. It depends only on the records, not on their order, a
 * seed or the job, so the same dataset always holds out the same records.
 */
public final class HoldOut {

  public static final double FRACTION = 0.10;

  private HoldOut() {}

  /** Lines of a JSONL file split into training and held-out lines, each in input order. */
  public record Split(List<String> train, List<String> validation) {}

  public static Split of(List<String> lines) {
    if (lines.size() < 2) {
      throw new IllegalArgumentException(
          "cannot hold out validation records from "
              + lines.size()
              + " training record(s): at least 2 are needed, or give a validation_file");
    }
    int held = Math.max(1, (int) Math.ceil(lines.size() * FRACTION));
    List<Integer> byHash = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      byHash.add(i);
      hashes.add(Sha256.of(lines.get(i).getBytes(StandardCharsets.UTF_8)));
    }
    byHash.sort(Comparator.comparing((Integer i) -> hashes.get(i)).thenComparing(i -> i));
    boolean[] out = new boolean[lines.size()];
    for (int k = 0; k < held; k++) {
      out[byHash.get(k)] = true;
    }
    List<String> train = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      (out[i] ? validation : train).add(lines.get(i));
    }
    return new Split(train, validation);
  }
}
