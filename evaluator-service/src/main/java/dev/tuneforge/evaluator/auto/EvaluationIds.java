package dev.tuneforge.evaluator.auto;

import dev.tuneforge.artifact.Sha256;
import java.nio.charset.StandardCharsets;

/**
 * The id of a job's automatic evaluation, a pure function of the job id: an evaluation redone after
 * a crash gets the same id (and overwrites the same report folder), so a job never has two.
 */
public final class EvaluationIds {
  private EvaluationIds() {}

  public static String forJob(String jobId) {
    String id = "eval-" + jobId;
    if (id.length() <= 64) {
      return id;
    }
    return "eval-" + Sha256.of(jobId.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }
}
