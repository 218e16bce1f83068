package dev.tuneforge.evaluator.evaluations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.evaluator.auto.JobEvaluation;
import dev.tuneforge.evaluator.ondemand.OnDemandEvaluations;
import dev.tuneforge.evaluator.ondemand.OnDemandPlan;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.platform.view.StaleViewException;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /v1/evaluations}: on-demand evaluations of any model, the team's evaluations (newest
 * first, filtered by {@code job_id}, paged) and one evaluation with its metrics beside its base's,
 * the gate's verdict, and every suite case and validation record side by side (read from the stored
 * report). Another team's evaluation is answered 404.
 */
@Path("/v1/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EvaluationsResource {

  @Inject EvaluationLedger ledger;
  @Inject ArtifactStore artifacts;
  @Inject ObjectMapper json;
  @Inject Caller caller;
  @Inject OnDemandEvaluations onDemand;
  @Inject EventPublisher publisher;

  @ConfigProperty(name = "tuneforge.evaluator.events-topic")
  String topic;

  /**
   * Evaluates any model the team may use (a base model, an {@code ft:} id, a registry {@code
   * name@alias}) on a suite and/or a dataset, in the background: answers the evaluation queued (or
   * already running), then {@code GET /v1/evaluations/{id}} shows it succeeded or failed. It never
   * changes a registered version's stage.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Map<String, Object> create(String body) {
    caller.requireRole(Role.TRAINER);
    JsonNode node;
    try {
      node = json.readTree(body == null ? "" : body);
    } catch (IOException e) {
      throw ApiException.invalid("body", "not valid JSON: " + e.getMessage());
    }
    OnDemandPlan plan = onDemand.plan(caller.team(), node);
    if (plan instanceof OnDemandPlan.Invalid invalid) {
      throw ApiException.invalid(invalid.errors());
    }
    if (plan instanceof OnDemandPlan.NotFound nf) {
      throw new ApiException(
          404, "invalid_request_error", nf.field(), "model_not_found", nf.message());
    }
    EvaluationRequested request = ((OnDemandPlan.Ready) plan).request();
    try {
      publisher.publishAndAwait(topic, request, ledger.view(), Duration.ofSeconds(30));
    } catch (StaleViewException e) {
      // recorded; this replica's ledger shows it shortly
    }
    return ledger
        .find(request.evaluationId())
        .map(EvaluationsResource::summary)
        .orElseGet(
            () ->
                summary(
                    new EvaluationRecord(
                        request.evaluationId(),
                        request.jobId(),
                        request.team(),
                        Instant.now(),
                        EvaluationTrigger.ON_DEMAND,
                        request,
                        null,
                        null,
                        false)));
  }

  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("job_id") String jobId,
      @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    List<EvaluationRecord> all =
        ledger.all(caller.team()).stream()
            .filter(r -> jobId == null || jobId.isEmpty() || jobId.equals(r.jobId()))
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
    m.put("trigger", r.trigger());
    EvaluationRequested q = r.requested();
    if (q != null) {
      m.put("model", q.model());
      m.put("suite", q.suite());
      m.put("dataset", q.dataset());
    }
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
    } else if (r.failed() != null) {
      m.put("error", Map.of("message", r.failed().reason()));
    }
    return m;
  }
}
