package dev.tuneforge.dataset.versions;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.storage.BucketLayout;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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
import io.smallrye.common.annotation.Blocking;

/** {@code /v1/datasets}: curate uploaded files into versions, and read versions, reports and previews. */
@Path("/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DatasetsResource {

  @Inject Curator curator;
  @Inject DatasetVersions versions;
  @Inject DatasetEvents events;
  @Inject com.fasterxml.jackson.databind.ObjectMapper json;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(CurationRequest request) {
    if (request == null) {
      throw ApiException.invalid("body", "expected a JSON object with name, training_files and options");
    }
    DatasetNames.requireValid(request.name());
    CurationOutcome outcome = curator.curate(request);
    events.publish(outcome, request, null);
    if (outcome.isRejected()) {
      throw new ApiException(400, "invalid_request_error", firstParam(outcome.reasons()), "dataset_rejected",
          String.join("; ", outcome.reasons()));
    }
    return Response.status(outcome.created() ? 201 : 200).entity(versionJson(outcome.name(), outcome.version(), outcome.manifest(), outcome.created())).build();
  }

  @GET
  public Map<String, Object> list() {
    List<Map<String, Object>> data = new ArrayList<>();
    for (String name : versions.names()) {
      data.add(summary(name));
    }
    return Map.of("object", "list", "data", data, "has_more", false);
  }

  @GET
  @Path("/{name}")
  public Map<String, Object> get(@PathParam("name") String name) {
    if (!DatasetNames.isValid(name) || versions.versions(name).isEmpty()) {
      throw ApiException.notFound("name", "no dataset '" + name + "'");
    }
    return summary(name);
  }

  @GET
  @Path("/{name}/versions/{version}")
  public Map<String, Object> version(@PathParam("name") String name, @PathParam("version") String version) {
    ArtifactManifest manifest = versions.manifest(name, version)
        .orElseThrow(() -> ApiException.notFound("version", "no version '" + version + "' of dataset '" + name + "'"));
    Map<String, Object> body = versionJson(name, version, manifest, null);
    body.put("report", versions.report(name, version));
    return body;
  }

  @GET
  @Path("/{name}/versions/{version}/preview")
  public Map<String, Object> preview(@PathParam("name") String name, @PathParam("version") String version,
      @QueryParam("split") @DefaultValue("train") String split, @QueryParam("limit") @DefaultValue("20") int limit) throws IOException {
    if (!split.equals("train") && !split.equals("validation")) {
      throw ApiException.invalid("split", "split must be train or validation, was '" + split + "'");
    }
    if (limit < 1 || limit > 1000) {
      throw ApiException.invalid("limit", "limit must be between 1 and 1000, was " + limit);
    }
    versions.manifest(name, version)
        .orElseThrow(() -> ApiException.notFound("version", "no version '" + version + "' of dataset '" + name + "'"));
    List<Object> records = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(versions.openSplit(name, version, split), StandardCharsets.UTF_8))) {
      String line;
      while (records.size() < limit && (line = reader.readLine()) != null) {
        records.add(json.readTree(line));
      }
    }
    return Map.of("object", "list", "split", split, "data", records);
  }

  private Map<String, Object> summary(String name) {
    List<String> all = versions.versions(name);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("object", "dataset");
    m.put("versions", all);
    m.put("latest", all.isEmpty() ? null : all.get(all.size() - 1));
    return m;
  }

  private static Map<String, Object> versionJson(String name, String version, ArtifactManifest manifest, Boolean created) {
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

  private static String firstParam(List<String> reasons) {
    String first = reasons.isEmpty() ? "" : reasons.get(0);
    int colon = first.indexOf(':');
    return colon > 0 && !first.substring(0, colon).contains(" ") ? first.substring(0, colon) : null;
  }
}
