package dev.tuneforge.dataset.versions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.storage.BucketLayout;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/datasets}: curate uploaded files into versions, and read versions, reports and
 * previews. Every dataset belongs to a team; another team's dataset answers 404.
 */
@Path("/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DatasetsResource {

  static final int MAX_PREVIEW = 1000;

  @Inject Curator curator;
  @Inject DatasetVersions versions;
  @Inject DatasetEvents events;
  @Inject ObjectMapper json;
  @Inject Caller caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(CurationRequest request) {
    caller.requireRole(Role.TRAINER);
    if (request == null) {
      throw ApiException.invalid(
          "body", "expected a JSON object with name, training_files and options");
    }
    DatasetNames.check(request.name())
        .ifPresent(
            e -> {
              throw ApiException.invalid(e);
            });
    CurationOutcome outcome = curator.curate(caller.team(), request);
    events.publish(outcome, request, null);
    if (outcome.isRejected()) {
      ApiException first = ApiException.invalid(outcome.reasons());
      throw new ApiException(
          400, first.type(), first.param(), "dataset_rejected", first.getMessage());
    }
    return Response.status(outcome.created() ? 201 : 200)
        .entity(
            versionJson(outcome.name(), outcome.version(), outcome.manifest(), outcome.created()))
        .build();
  }

  /**
   * The team's datasets in name order, paged with {@code after} (a dataset name) and {@code limit}.
   */
  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after, @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    List<String> names = new ArrayList<>(versions.names(caller.team()));
    names.sort(String::compareTo);
    ApiList<String> cut = page.of(names, n -> n);
    return ApiList.of(
        cut.data().stream().map(this::summary).toList(),
        cut.firstId(),
        cut.lastId(),
        cut.hasMore());
  }

  @GET
  @Path("/{name}")
  public Map<String, Object> get(@PathParam("name") String name) {
    caller.requireRole(Role.VIEWER);
    requireOwned(name);
    return summary(name);
  }

  @GET
  @Path("/{name}/versions/{version}")
  public Map<String, Object> version(
      @PathParam("name") String name, @PathParam("version") String version) {
    caller.requireRole(Role.VIEWER);
    ArtifactManifest manifest = ownedManifest(name, version);
    Map<String, Object> body = versionJson(name, version, manifest, null);
    body.put("report", versions.report(name, version));
    return body;
  }

  @GET
  @Path("/{name}/versions/{version}/preview")
  public Map<String, Object> preview(
      @PathParam("name") String name,
      @PathParam("version") String version,
      @QueryParam("split") String splitParam,
      @QueryParam("limit") String limitParam)
      throws IOException {
    caller.requireRole(Role.VIEWER);
    String split = splitParam == null ? "train" : splitParam;
    if (!split.equals("train") && !split.equals("validation")) {
      throw ApiException.invalid("split", "split must be train or validation, was '" + split + "'");
    }
    int limit = previewLimit(limitParam);
    ownedManifest(name, version);
    List<Object> records = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                versions.openSplit(name, version, split), StandardCharsets.UTF_8))) {
      String line;
      while (records.size() < limit && (line = reader.readLine()) != null) {
        records.add(json.readTree(line));
      }
    }
    return Map.of("object", "list", "split", split, "data", records);
  }

  private static int previewLimit(String raw) {
    if (raw == null) {
      return 20;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n >= 1 && n <= MAX_PREVIEW) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.invalid(
        "limit", "limit must be a whole number from 1 to " + MAX_PREVIEW + ", was '" + raw + "'");
  }

  /**
   * 404 unless {@code name} is a dataset of the caller's team (another team's is reported as
   * absent).
   */
  private void requireOwned(String name) {
    if (versions.team(name).filter(caller::owns).isEmpty()) {
      throw ApiException.notFound("name", "no dataset '" + name + "'");
    }
  }

  private ArtifactManifest ownedManifest(String name, String version) {
    requireOwned(name);
    return versions
        .manifest(name, version)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "version", "no version '" + version + "' of dataset '" + name + "'"));
  }

  private Map<String, Object> summary(String name) {
    List<String> all = versions.versions(name);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", name);
    m.put("name", name);
    m.put("object", "dataset");
    m.put("versions", all);
    m.put("latest", all.isEmpty() ? null : all.get(all.size() - 1));
    return m;
  }

  private static Map<String, Object> versionJson(
      String name, String version, ArtifactManifest manifest, Boolean created) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object", "dataset.version");
    m.put("name", name);
    m.put("version", version);
    m.put("uri", BucketLayout.dataset(name, version));
    if (created != null) {
      m.put("created", created);
    }
    m.put("manifest", ManifestCodec.toTree(manifest)); // exactly the stored manifest.json
    return m;
  }
}
