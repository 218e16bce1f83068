package dev.tuneforge.evaluator.suites;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.evaluator.suite.Suite;
import dev.tuneforge.evaluator.suite.SuiteParser;
import dev.tuneforge.events.EvaluationSuiteCreated;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
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
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /v1/evaluation/suites}: a team's regression suites, YAML or JSON, versioned by content
 * hash. Storing the same suite again answers the existing version (200); a new version is a fact on
 * the suites topic, visible to the caller's next read (201). An invalid suite is a 400 listing
 * every problem, the first one's path ({@code cases[2].expect.value}) as {@code param}.
 */
@Path("/v1/evaluation/suites")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SuitesResource {

  @Inject SuiteCatalog catalog;
  @Inject EventPublisher publisher;
  @Inject Caller caller;
  @Inject ObjectMapper json;

  @ConfigProperty(name = "tuneforge.evaluator.suites-topic")
  String topic;

  @POST
  @Consumes({
    MediaType.APPLICATION_JSON,
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    MediaType.TEXT_PLAIN
  })
  public Response create(String body) {
    caller.requireRole(Role.TRAINER);
    if (body == null || body.isBlank()) {
      throw ApiException.invalid("suite", "empty body: send a suite in YAML or JSON");
    }
    Parsed<Suite> parsed = SuiteParser.parse(body);
    if (!parsed.ok()) {
      throw ApiException.invalid(parsed.errors());
    }
    Suite s = parsed.value();
    String team = caller.team();
    var existing = catalog.resolve(team, s.ref());
    if (existing.isPresent()) {
      return Response.ok(body(existing.get(), false)).build();
    }
    publisher.publishAndAwait(
        topic,
        new EvaluationSuiteCreated(team, s.name(), s.version(), s.canonicalJson(), Instant.now()),
        catalog.view(),
        Duration.ofSeconds(30));
    StoredSuite stored =
        catalog
            .resolve(team, s.ref())
            .orElseThrow(() -> new IllegalStateException("suite " + s.ref() + " not in the view"));
    return Response.status(201).entity(body(stored, true)).build();
  }

  /** The team's suites (latest version of each) in name order, paged by name. */
  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after, @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    ApiList<String> cut = page.of(catalog.names(caller.team()), n -> n);
    return ApiList.of(
        cut.data().stream()
            .map(n -> catalog.resolve(caller.team(), n).orElseThrow())
            .map(s -> summary(s))
            .toList(),
        cut.firstId(),
        cut.lastId(),
        cut.hasMore());
  }

  /** {@code name} (its latest version) or {@code name@version}, with every version's id. */
  @GET
  @Path("/{ref}")
  public Map<String, Object> get(@PathParam("ref") String ref) {
    caller.requireRole(Role.VIEWER);
    StoredSuite s =
        catalog
            .resolve(caller.team(), ref)
            .orElseThrow(() -> ApiException.notFound("suite", "no evaluation suite '" + ref + "'"));
    return body(s, null);
  }

  private Map<String, Object> summary(StoredSuite s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.name());
    m.put("object", "evaluation.suite");
    m.put("name", s.name());
    m.put("version", s.version());
    m.put("ref", s.suite().ref());
    m.put("created_at", s.createdAt().getEpochSecond());
    m.put("case_count", s.suite().cases().size());
    List<String> versions =
        catalog.versions(s.team(), s.name()).stream().map(StoredSuite::version).toList();
    m.put("versions", versions);
    return m;
  }

  private Map<String, Object> body(StoredSuite s, Boolean created) {
    Map<String, Object> m = summary(s);
    if (created != null) {
      m.put("created", created);
    }
    try {
      m.put("suite", json.readTree(s.suite().canonicalJson()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a stored suite is JSON", e);
    }
    return m;
  }
}
