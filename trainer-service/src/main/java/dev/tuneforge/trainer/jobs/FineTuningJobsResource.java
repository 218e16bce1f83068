package dev.tuneforge.trainer.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.events.CancelRequested;
import dev.tuneforge.events.Topics;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.trainer.catalog.FileCurations;
import dev.tuneforge.trainer.request.JobRequests;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/fine_tuning/jobs} in OpenAI's shape: create (validated, then recorded as
 * TrainingRequested), list, retrieve, cancel, events (paged, or streamed as Server-Sent Events
 * until the job ends) and checkpoints. Every job belongs to the team of the key that created it;
 * another team's job answers 404.
 */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class FineTuningJobsResource {

  /** How long a read waits for the ledger's start-up replay before answering 503. */
  static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);

  /** How long a write waits for the ledger to show it (read-your-writes). */
  static final Duration WRITE_WAIT = Duration.ofSeconds(30);

  /** How often a live event stream looks for new events. */
  static final Duration STREAM_POLL = Duration.ofMillis(200);

  @Inject JobLedger ledger;
  @Inject JobRequests requests;
  @Inject EventPublisher publisher;
  @Inject Caller caller;
  @Inject ObjectMapper json;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Map<String, Object> create(JsonNode body) {
    caller.requireRole(Role.TRAINER);
    requireCaughtUp();
    JobRequests.Outcome outcome;
    try {
      outcome = requests.validate(body, caller.team(), caller.keyId());
    } catch (FileCurations.CurationUnanswered e) {
      throw new ApiException(
          503, "server_error", "training_file", "curation_pending", e.getMessage());
    }
    if (!outcome.accepted()) {
      throw ApiException.invalid(outcome.errors());
    }
    publisher.publishAndAwait(
        Topics.TRAINING_REQUESTS, outcome.request(), ledger.view(), WRITE_WAIT);
    return json(owned(outcome.request().jobId()));
  }

  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after, @QueryParam("limit") String limit, @Context UriInfo uri) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    requireCaughtUp();
    Map<String, String> filter = metadataFilter(uri);
    List<FineTuningJob> mine =
        ledger.all().stream()
            .filter(j -> caller.owns(j.request().team()))
            .filter(j -> matches(j, filter))
            .toList();
    ApiList<FineTuningJob> cut = page.of(mine, FineTuningJob::id);
    return ApiList.of(
        cut.data().stream().map(this::json).toList(), cut.firstId(), cut.lastId(), cut.hasMore());
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    requireCaughtUp();
    return json(owned(id));
  }

  @POST
  @Path("/{id}/cancel")
  public Map<String, Object> cancel(@PathParam("id") String id) {
    caller.requireRole(Role.TRAINER);
    requireCaughtUp();
    FineTuningJob job = owned(id);
    if (job.status().isFinal()) {
      throw new ApiException(
          400,
          "invalid_request_error",
          "id",
          "job_not_cancellable",
          "job " + id + " is already " + job.status().openAi());
    }
    if (!job.cancelRequested()) {
      publisher.publishAndAwait(
          Topics.TRAINING_REQUESTS,
          new CancelRequested(id, caller.keyId()),
          ledger.view(),
          WRITE_WAIT);
    }
    return json(owned(id));
  }

  /**
   * The job's events, newest first and paged as OpenAI pages them; with {@code stream=true}, every
   * event oldest first as Server-Sent Events ({@code data: <event JSON>}), live until the job ends.
   */
  @GET
  @Path("/{id}/events")
  public Response events(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") String limit,
      @QueryParam("stream") String stream) {
    caller.requireRole(Role.VIEWER);
    requireCaughtUp();
    owned(id);
    if ("true".equalsIgnoreCase(stream)) {
      return Response.ok(stream(id)).type(MediaType.SERVER_SENT_EVENTS).build();
    }
    Page page = Page.parse(after, limit);
    List<JobEvent> newestFirst = new ArrayList<>(ledger.events(id));
    java.util.Collections.reverse(newestFirst);
    return Response.ok(page.of(newestFirst, JobEvent::id)).build();
  }

  @GET
  @Path("/{id}/checkpoints")
  public ApiList<JobCheckpoint> checkpoints(
      @PathParam("id") String id,
      @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    requireCaughtUp();
    owned(id);
    List<JobCheckpoint> newestFirst = new ArrayList<>(ledger.checkpoints(id));
    java.util.Collections.reverse(newestFirst);
    return page.of(newestFirst, JobCheckpoint::id);
  }

  private StreamingOutput stream(String id) {
    return out -> {
      int sent = 0;
      while (true) {
        boolean ended = ledger.find(id).map(j -> j.status().isFinal()).orElse(true);
        List<JobEvent> all = ledger.events(id);
        for (; sent < all.size(); sent++) {
          send(out, json.writeValueAsString(all.get(sent)));
        }
        if (ended) {
          // the final status was read before the events, so the end's event was among them
          send(out, "[DONE]");
          return;
        }
        try {
          Thread.sleep(STREAM_POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    };
  }

  private static void send(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Map<String, Object> json(FineTuningJob job) {
    return JobJson.of(job, ledger.progress(job.id()));
  }

  /** The caller's team's job {@code id}; 404 for a job of another team, as for none. */
  private FineTuningJob owned(String id) {
    return ledger
        .find(id)
        .filter(j -> caller.owns(j.request().team()))
        .orElseThrow(() -> ApiException.notFound("id", "no fine-tuning job '" + id + "'"));
  }

  /** {@code metadata[k]=v} query parameters. */
  private static Map<String, String> metadataFilter(UriInfo uri) {
    Map<String, String> filter = new java.util.LinkedHashMap<>();
    uri.getQueryParameters()
        .forEach(
            (k, v) -> {
              if (k.startsWith("metadata[") && k.endsWith("]") && !v.isEmpty()) {
                filter.put(k.substring("metadata[".length(), k.length() - 1), v.get(0));
              }
            });
    return filter;
  }

  private static boolean matches(FineTuningJob job, Map<String, String> filter) {
    Map<String, String> m = job.request().metadata();
    return filter.entrySet().stream()
        .allMatch(e -> m != null && e.getValue().equals(m.get(e.getKey())));
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
}
