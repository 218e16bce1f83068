package dev.tuneforge.trainer.jobs;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAI-shaped read side of fine-tuning jobs: {@code /v1/fine_tuning/jobs}. */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class FineTuningJobsResource {

  @Inject JobLedger ledger;

  @GET
  public Map<String, Object> list() {
    List<Map<String, Object>> data = ledger.all().stream().map(FineTuningJobsResource::toJson).toList();
    return Map.of("object", "list", "data", data, "has_more", false);
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    return ledger.find(id).map(FineTuningJobsResource::toJson)
        .orElseThrow(() -> new NotFoundException("no fine-tuning job '" + id + "'"));
  }

  static Map<String, Object> toJson(JobLedger.Job job) {
    var r = job.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.jobId());
    m.put("object", "fine_tuning.job");
    m.put("model", r.baseModel());
    m.put("created_at", job.acceptedAt().getEpochSecond());
    m.put("status", job.status());
    m.put("training_file", r.datasetName() + "@" + r.datasetVersion());
    m.put("hyperparameters", r.hyperparameters());
    m.put("method", Map.of("type", r.method()));
    m.put("seed", r.seed());
    m.put("suffix", r.suffix());
    return m;
  }
}
