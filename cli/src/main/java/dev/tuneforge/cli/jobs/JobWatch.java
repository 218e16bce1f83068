package dev.tuneforge.cli.jobs;

import static dev.tuneforge.cli.client.PlatformClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.cli.client.ApiError;
import dev.tuneforge.cli.client.PlatformClient;
import dev.tuneforge.cli.client.ProgressBar;
import java.io.IOException;
import java.time.Duration;

/**
 * Follows a job's event stream ({@code GET /v1/fine_tuning/jobs/{id}/events?stream=true}, every
 * event oldest first, live until the job ends): metrics events move the progress bar, every other
 * event is printed as a line. {@code jobs watch} and {@code demo} both use it.
 */
public final class JobWatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobWatch() {}

  /** What the stream showed: the first and last training loss (NaN when no step was seen). */
  public record Seen(double firstLoss, double lastLoss, long steps) {}

  public static Seen follow(
      PlatformClient client, String jobId, Duration timeout, ProgressBar bar) {
    double[] loss = {Double.NaN, Double.NaN};
    long[] steps = {0};
    client.stream(
        client
            .request("/v1/fine_tuning/jobs/" + seg(jobId) + "/events?stream=true")
            .timeout(timeout)
            .GET()
            .build(),
        data -> {
          JsonNode e;
          try {
            e = JSON.readTree(data);
          } catch (IOException x) {
            throw new ApiError("an event of job " + jobId + " is not JSON: " + data);
          }
          show(e, bar, loss, steps);
          return true;
        });
    bar.finish();
    return new Seen(loss[0], loss[1], steps[0]);
  }

  /** One event onto the bar (metrics) or as a line (anything else). */
  static void show(JsonNode e, ProgressBar bar, double[] loss, long[] steps) {
    JsonNode d = e.path("data");
    if (d.has("step")) {
      double l = d.path("train_loss").asDouble(Double.NaN);
      if (Double.isNaN(loss[0])) {
        loss[0] = l;
      }
      loss[1] = l;
      steps[0] = d.path("step").asLong();
      bar.update(
          d.path("step").asLong(),
          d.path("total_steps").asLong(),
          l,
          d.path("tokens_per_second").asDouble(),
          d.hasNonNull("eta_seconds") ? d.get("eta_seconds").asDouble() : -1);
    } else {
      String level = e.path("level").asText("info");
      bar.message((level.equals("info") ? "" : level + ": ") + e.path("message").asText());
    }
  }
}
