package dev.tuneforge.registry.adapters;

import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.registry.state.AdapterView;
import dev.tuneforge.registry.state.CommandOutcome;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.Stage;
import dev.tuneforge.registry.state.VersionView;
import dev.tuneforge.storage.ObjectStore;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /v1/registry/adapters}: the caller's team's adapters, their versions, aliases, lineage,
 * promotion and downloads. Another team's adapter answers 404. A version is addressed by number or
 * by alias ({@code …/versions/production}).
 */
@Path("/v1/registry/adapters")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class AdaptersResource {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @Inject AdapterRegistry registry;
  @Inject Downloads downloads;
  @Inject dev.tuneforge.registry.exports.Exports exports;
  @Inject Caller caller;

  @ConfigProperty(name = "tuneforge.registry.download-expiry")
  Duration defaultExpiry;

  /**
   * The team's adapters by name; {@code base}, {@code stage} and {@code metric} ({@code
   * exact_match>=0.5}) keep those with a matching version.
   */
  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after,
      @QueryParam("limit") String limit,
      @QueryParam("base") String base,
      @QueryParam("stage") String stage,
      @QueryParam("metric") String metric) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    Stage wanted = null;
    if (stage != null) {
      wanted =
          Stage.parse(stage)
              .orElseThrow(
                  () ->
                      ApiException.invalid(
                          "stage",
                          "stage must be candidate, staging, production or archived, was '"
                              + stage
                              + "'"));
    }
    Stage s = wanted;
    MetricFilter byMetric =
        metric == null
            ? null
            : MetricFilter.parse(metric)
                .orElseThrow(() -> ApiException.invalid("metric", MetricFilter.SYNTAX_HELP));
    List<AdapterView> all =
        state().adapters(caller.team()).stream()
            .filter(
                a ->
                    base == null
                        || a.versions().stream()
                            .anyMatch(v -> v.training().baseModel().equals(base)))
            .filter(a -> s == null || a.versions().stream().anyMatch(v -> v.stage() == s))
            .filter(a -> byMetric == null || a.versions().stream().anyMatch(byMetric::matches))
            .toList();
    ApiList<AdapterView> cut = page.of(all, AdapterView::name);
    return ApiList.of(
        cut.data().stream().map(AdapterJson::adapter).toList(),
        cut.firstId(),
        cut.lastId(),
        cut.hasMore());
  }

  @GET
  @Path("/{name}")
  public Map<String, Object> get(@PathParam("name") String name) {
    caller.requireRole(Role.VIEWER);
    return AdapterJson.adapter(owned(name));
  }

  @GET
  @Path("/{name}/versions/{v}")
  public Map<String, Object> version(@PathParam("name") String name, @PathParam("v") String v) {
    caller.requireRole(Role.VIEWER);
    return AdapterJson.version(version(owned(name), v));
  }

  @GET
  @Path("/{name}/aliases/{alias}")
  public Map<String, Object> alias(
      @PathParam("name") String name, @PathParam("alias") String alias) {
    caller.requireRole(Role.VIEWER);
    AdapterView a = owned(name);
    Integer n = a.aliases().get(alias);
    if (n == null) {
      throw ApiException.notFound("alias", "adapter '" + name + "' has no alias '" + alias + "'");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object", "registry.alias");
    m.put("name", name);
    m.put("alias", alias);
    m.put("version", n);
    m.put("target", AdapterJson.version(a.version(n).orElseThrow()));
    return m;
  }

  @GET
  @Path("/{name}/versions/{v}/lineage")
  public Map<String, Object> lineage(@PathParam("name") String name, @PathParam("v") String v) {
    caller.requireRole(Role.VIEWER);
    VersionView version = version(owned(name), v);
    String base =
        state()
            .model(
                version.training().baseModel(),
                Optional.ofNullable(version.training().baseRevision()).orElse("main"))
            .map(m -> m.sha256())
            .orElse(null);
    return AdapterJson.lineage(version, base, exports.completed(version.ref()));
  }

  @GET
  @Path("/{name}/versions/{v}/card")
  @Produces("text/markdown")
  public String card(@PathParam("name") String name, @PathParam("v") String v) {
    caller.requireRole(Role.VIEWER);
    return ModelCard.render(version(owned(name), v));
  }

  /**
   * Presigned GET URLs for every file of the version and its model card, valid for {@code
   * expires_in} seconds (default 15 minutes, at most 7 days).
   */
  @GET
  @Path("/{name}/versions/{v}/download")
  public Map<String, Object> download(
      @PathParam("name") String name,
      @PathParam("v") String v,
      @QueryParam("expires_in") String expiresIn) {
    caller.requireRole(Role.VIEWER);
    VersionView version = version(owned(name), v);
    Duration expiry = expiry(expiresIn);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object", "registry.download");
    m.put("id", version.ref().name() + "@" + version.ref().version());
    m.put("expires_in", expiry.toSeconds());
    m.put("files", downloads.files(version, expiry));
    return m;
  }

  @POST
  @Path("/{name}/versions/{v}/promote")
  @Consumes(MediaType.APPLICATION_JSON)
  public Map<String, Object> promote(
      @PathParam("name") String name, @PathParam("v") String v, PromoteRequest body) {
    caller.requireRole(Role.REVIEWER);
    if (body == null) {
      throw ApiException.invalid(
          "body", "expected a JSON object with 'stage' (staging or production)");
    }
    String alias = alias(body);
    boolean force = Boolean.TRUE.equals(body.force());
    AdapterView adapter = owned(name);
    VersionView version = version(adapter, v);
    if (force && caller.role() != Role.ADMIN) {
      throw ApiException.forbidden("only an admin key may force a promotion ('force': true)");
    }
    if (force && (body.reason() == null || body.reason().isBlank())) {
      throw ApiException.invalid(
          "reason", "a forced promotion needs a 'reason', which is recorded");
    }
    if (version.archived()) {
      throw ApiException.invalid("version", name + " v" + version.ref().version() + " is archived");
    }
    boolean forced = false;
    if (alias.equals(RegistryState.PRODUCTION) && !version.evaluationPassed()) {
      if (!force) {
        String why =
            version.evaluation() == null
                ? "it has no evaluation yet"
                : "its evaluation "
                    + version.evaluation().evaluationId()
                    + " failed: "
                    + String.join("; ", version.evaluation().reasons());
        throw new ApiException(
            400,
            "invalid_request_error",
            "stage",
            "evaluation_not_passed",
            name + " v" + version.ref().version() + " cannot go to production: " + why);
      }
      forced = true;
    }
    Integer expected = adapter.explicitAliases().get(alias);
    CommandOutcome outcome =
        registry.promote(
            version.ref(),
            alias,
            expected,
            caller.keyId(),
            caller.role().wireName(),
            forced,
            body.reason());
    return answer(outcome, name);
  }

  /** The body is optional ({@code {"reason": "…"}}), so a bare {@code POST} archives too. */
  @POST
  @Path("/{name}/versions/{v}/archive")
  @Consumes(MediaType.WILDCARD)
  public Map<String, Object> archive(
      @PathParam("name") String name, @PathParam("v") String v, String raw) {
    caller.requireRole(Role.REVIEWER);
    ArchiveRequest body = null;
    if (raw != null && !raw.isBlank()) {
      try {
        body = JSON.readValue(raw, ArchiveRequest.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw ApiException.invalid(
            "body", "expected {\"reason\": \"…\"} or no body: " + e.getOriginalMessage());
      }
    }
    VersionView version = version(owned(name), v);
    if (version.archived()) {
      return AdapterJson.version(version);
    }
    CommandOutcome outcome =
        registry.promote(
            version.ref(),
            RegistryState.ARCHIVED,
            null,
            caller.keyId(),
            caller.role().wireName(),
            false,
            body == null ? null : body.reason());
    return answer(outcome, name);
  }

  private Map<String, Object> answer(CommandOutcome outcome, String name) {
    if (outcome instanceof CommandOutcome.Applied a) {
      return AdapterJson.version(version(owned(name), Integer.toString(a.ref().version())));
    }
    if (outcome instanceof CommandOutcome.Conflict c) {
      throw new ApiException(
          409,
          "invalid_request_error",
          "stage",
          "promotion_conflict",
          "alias '"
              + c.alias()
              + "' of '"
              + name
              + "' moved to version "
              + c.current()
              + " while this request expected "
              + c.expected()
              + "; read it again and retry");
    }
    if (outcome instanceof CommandOutcome.Refused r) {
      throw ApiException.invalid("version", r.reason());
    }
    throw new IllegalStateException("unexpected outcome " + outcome);
  }

  private static String alias(PromoteRequest body) {
    if (body.alias() != null) {
      if (!body.alias().matches("[a-z0-9][a-z0-9._-]{0,63}")
          || body.alias().equals(RegistryState.ARCHIVED)) {
        throw ApiException.invalid(
            "alias",
            "alias must be 1-64 of a-z, 0-9, '.', '_', '-' (not 'archived'), was '"
                + body.alias()
                + "'");
      }
      return body.alias();
    }
    if (RegistryState.STAGING.equals(body.stage())
        || RegistryState.PRODUCTION.equals(body.stage())) {
      return body.stage();
    }
    throw ApiException.invalid(
        "stage",
        "stage must be 'staging' or 'production' (archive with …/archive), was '"
            + body.stage()
            + "'");
  }

  private Duration expiry(String raw) {
    if (raw == null) {
      return defaultExpiry;
    }
    try {
      long s = Long.parseLong(raw.trim());
      if (s >= 1 && s <= ObjectStore.MAX_PRESIGN_EXPIRY.toSeconds()) {
        return Duration.ofSeconds(s);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.invalid(
        "expires_in",
        "expires_in must be a whole number of seconds from 1 to "
            + ObjectStore.MAX_PRESIGN_EXPIRY.toSeconds()
            + ", was '"
            + raw
            + "'");
  }

  private RegistryState state() {
    return registry.state();
  }

  /** The caller's team's adapter, or 404 (another team's is reported as absent). */
  private AdapterView owned(String name) {
    return owned(state(), caller.team(), name);
  }

  /** {@code team}'s adapter {@code name}, or 404. */
  public static AdapterView owned(RegistryState state, String team, String name) {
    if (!AdapterNames.isValid(name)) {
      throw ApiException.notFound("name", "no adapter '" + name + "'");
    }
    return state
        .adapter(team, name)
        .orElseThrow(() -> ApiException.notFound("name", "no adapter '" + name + "'"));
  }

  /** A version by number, or by alias ({@code production}, {@code staging}, …). */
  public static VersionView version(AdapterView a, String v) {
    Optional<VersionView> found;
    if (v.matches("[0-9]{1,9}")) {
      found = a.version(Integer.parseInt(v));
    } else {
      Integer n = a.aliases().get(v);
      found = n == null ? Optional.empty() : a.version(n);
    }
    return found.orElseThrow(
        () ->
            ApiException.notFound(
                "version", "adapter '" + a.name() + "' has no version or alias '" + v + "'"));
  }
}
