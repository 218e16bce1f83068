package dev.tuneforge.evaluator.evaluations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.evaluator.auto.JobEvaluation;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/evaluations}: the team's evaluations (newest first, filtered by {@code job_id}, paged)
 * and one evaluation with its metrics beside its base's, the gate's verdict, and every suite case
 * and validation record side by side (read from the stored report). Another team's evaluation is
 * answered 404.
 */
@Path("/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EvaluationsResource {

  @Inject EvaluationLedger ledger;
  @Inject ArtifactStore artifacts;
  @Inject ObjectMapper json;
  @Inject Caller caller;

  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("job_id") String jobId,
      @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    List<EvaluationRecord> all =
        ledger.all(caller.team()).stream()
            .filter(r -> jobId == null || jobId.isEmpty() || r.jobId().equals(jobId))
            .toList();
    ApiList<EvaluationRecord> cut = page.of(all, EvaluationRecord::id);
    return ApiList.of(
        cut.data().stream().map(EvaluationsResource::summary).toList(),
        cut.firstId(),
        cut.lastId(),
        cut.hasMore());
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    EvaluationRecord r =
        ledger
            .find(id)
            .filter(e -> caller.owns(e.team()))
            .orElseThrow(() -> ApiException.notFound("id", "no evaluation '" + id + "'"));
    Map<String, Object> body = summary(r);
    if (r.completed() != null) {
      JsonNode report = report(r.id());
      body.put("gate", report.get("gate"));
      body.put("failed_conditions", report.get("reasons"));
      body.put("cases", report.get("cases"));
      body.put("samples", report.get("samples"));
    }
    return body;
  }

  private JsonNode report(String id) {
    String prefix = BucketLayout.evaluation(id);
    ArtifactManifest m = artifacts.manifest(prefix);
    try (InputStream in =
        artifacts.open(
            prefix,
            m.file(JobEvaluation.REPORT_FILE)
                .orElseThrow(
                    () -> new IllegalStateException("evaluation " + id + " has no report.json")))) {
      return json.readTree(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> summary(EvaluationRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("object", "evaluation");
    m.put("job_id", r.jobId());
    m.put("status", r.status());
    m.put("created_at", r.createdAt().getEpochSecond());
    EvaluationCompleted c = r.completed();
    if (c != null) {
      m.put("output_uri", c.outputUri());
      m.put("suite", c.suite());
      m.put("metrics", c.metrics());
      m.put("base_metrics", c.baseMetrics());
      m.put("deltas", c.deltas());
      m.put("passed", c.passed());
      m.put("reasons", c.reasons());
      m.put("report_uri", c.reportUri());
    } else {
      m.put("error", Map.of("message", r.failed().reason()));
    }
    return m;
  }
}
