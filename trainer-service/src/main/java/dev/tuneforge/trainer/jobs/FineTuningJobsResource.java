package dev.tuneforge.trainer.jobs;

import dev.tuneforge.platform.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAI-shaped read side of fine-tuning jobs: {@code /v1/fine_tuning/jobs}. */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class FineTuningJobsResource {

  /** How long a read waits for the ledger's start-up replay before answering 503. */
  static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);

  @Inject JobLedger ledger;

  @GET
  public Map<String, Object> list() {
    requireCaughtUp();
    List<Map<String, Object>> data =
        ledger.all().stream().map(FineTuningJobsResource::toJson).toList();
    return Map.of("object", "list", "data", data, "has_more", false);
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    requireCaughtUp();
    return ledger
        .find(id)
        .map(FineTuningJobsResource::toJson)
        .orElseThrow(() -> ApiException.notFound("id", "no fine-tuning job '" + id + "'"));
  }

  /** A read before the replay has finished would miss jobs: say so instead of answering wrong. */
  private void requireCaughtUp() {
    if (!ledger.awaitCaughtUp(CATCH_UP_WAIT)) {
      throw new ApiException(
          503,
          "server_error",
          null,
          "catching_up",
          "the job list is still being rebuilt from Kafka; retry shortly");
    }
  }

  static Map<String, Object> toJson(FineTuningJob job) {
    var r = job.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", job.id());
    m.put("object", "fine_tuning.job");
    m.put("model", r.baseModel());
    m.put("created_at", job.createdAt().getEpochSecond());
    m.put("finished_at", job.finishedAt() == null ? null : job.finishedAt().getEpochSecond());
    m.put("fine_tuned_model", job.outputUri());
    m.put("status", job.status().openAi());
    m.put("training_file", r.datasetName() + "@" + r.datasetVersion());
    m.put("hyperparameters", r.hyperparameters());
    m.put("method", Map.of("type", r.method()));
    m.put("trained_tokens", job.trainedTokens());
    m.put(
        "error",
        job.error() == null ? null : Map.of("message", job.error(), "code", "training_failed"));
    m.put("seed", r.seed());
    m.put("suffix", r.suffix());
    return m;
  }
}
