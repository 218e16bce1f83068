package dev.tuneforge.trainer.jobs;

import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.events.ResultFileId;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * A job's result file, as OpenAI's fine-tuning result file: a CSV of per-step metrics with the
 * columns {@value #HEADER}, one row per step the job's metrics events report (train_loss from
 * progress, valid_loss from evaluations; the engine measures no token accuracy, so those columns
 * stay empty rather than invented). It is derived from the job's events in the ledger and stored
 * once through the artifact layer at {@code runs/<jobId>/metrics/} just before the job's end fact
 * is published, so a job that shows an end status after training steps has it. The files API
 * (dataset-service) serves it as {@link ResultFileId#of}, for the job's team only.
 */
@ApplicationScoped
public class ResultFiles {

  private static final Logger LOG = Logger.getLogger(ResultFiles.class);

  public static final String FILE = "step_metrics.csv";
  public static final String HEADER =
      "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy";

  @Inject JobLedger ledger;
  @Inject ArtifactStore artifacts;

  /** Whether the job lists its result file: it ended after at least one optimizer step. */
  static boolean listed(FineTuningJob job) {
    return job.status().isFinal() && job.step() != null && job.step() > 0;
  }

  /**
   * Stores the CSV of job {@code jobId} from the metrics events the ledger holds; nothing when it
   * has none (a job that ended before its first step). A failure is logged, never thrown: the job's
   * end must still be recorded.
   */
  public void writeBeforeEnd(String jobId) {
    List<JobEvent> events = ledger.events(jobId);
    if (events.stream().noneMatch(e -> "metrics".equals(e.type()))) {
      return;
    }
    String team = ledger.find(jobId).map(j -> j.request().team()).orElse(null);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("result-file-");
      Files.writeString(dir.resolve(FILE), csv(events), StandardCharsets.UTF_8);
      artifacts.publish(
          dir,
          BucketLayout.metrics(jobId),
          ArtifactKind.REPORT,
          Map.of(
              "job_id",
              jobId,
              "team",
              team == null ? "" : team,
              "file_id",
              ResultFileId.of(jobId),
              "filename",
              FILE));
    } catch (IOException | RuntimeException e) {
      LOG.warnf(e, "job %s: cannot store its result file", jobId);
    } finally {
      if (dir != null) {
        LocalArtifacts.deleteRecursively(dir);
      }
    }
  }

  /**
   * The CSV of a job's events: one row per step of its metrics events, in step order; a step
   * reported again (a resumed job retrains from its checkpoint) keeps its newest values.
   */
  static String csv(List<JobEvent> events) {
    Map<Long, Double[]> rows = new TreeMap<>(); // step -> {train_loss, valid_loss}
    for (JobEvent e : events) {
      if (!"metrics".equals(e.type()) || !(e.data().get("step") instanceof Number step)) {
        continue;
      }
      Double[] row = rows.computeIfAbsent(step.longValue(), s -> new Double[2]);
      if (e.data().get("train_loss") instanceof Number loss) {
        row[0] = loss.doubleValue();
      }
      if (e.data().get("valid_loss") instanceof Number loss) {
        row[1] = loss.doubleValue();
      }
    }
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    rows.forEach(
        (step, row) ->
            sb.append(step)
                .append(',')
                .append(cell(row[0]))
                .append(",,")
                .append(cell(row[1]))
                .append(",\n"));
    return sb.toString();
  }

  private static String cell(Double v) {
    return v == null || !Double.isFinite(v) ? "" : Double.toString(v);
  }
}
