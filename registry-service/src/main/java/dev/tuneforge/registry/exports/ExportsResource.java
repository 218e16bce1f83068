package dev.tuneforge.registry.exports;

import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import dev.tuneforge.registry.adapters.AdaptersResource;
import dev.tuneforge.registry.adapters.Downloads;
import dev.tuneforge.registry.state.VersionView;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code …/adapters/{name}/versions/{v}/exports}: start an export (202, or 200 when it is already
 * complete) and read its status, with presigned URLs of its files once it succeeded.
 */
@Path("/v1/registry/adapters/{name}/versions/{v}/exports")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ExportsResource {

  @Inject AdapterRegistry registry;
  @Inject Exporter exporter;
  @Inject Downloads downloads;
  @Inject Caller caller;

  @ConfigProperty(name = "tuneforge.registry.download-expiry")
  Duration expiry;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      @PathParam("name") String name, @PathParam("v") String v, ExportRequest body) {
    caller.requireRole(Role.TRAINER);
    VersionView version = version(name, v);
    if (body == null) {
      throw ApiException.invalid("format", "expected a JSON object with 'format' (and 'type')");
    }
    ExportFormat.Result parsed = ExportFormat.parse(body.format(), body.type());
    if (parsed.format() == null) {
      throw ApiException.invalid(parsed.param(), parsed.message());
    }
    ExportFormat f = parsed.format();
    if ("full".equals(version.training().method())
        && (f.format().equals(ExportFormat.PEFT) || f.format().equals(ExportFormat.GGUF_LORA))) {
      throw ApiException.invalid(
          "format", "a full fine-tune has no adapter: export it as merged or gguf");
    }
    ExportStatus s = exporter.request(version, f, caller.keyId());
    return Response.status(s.status().equals(ExportStatus.SUCCEEDED) ? 200 : 202)
        .entity(json(version, f, s))
        .build();
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(
      @PathParam("name") String name, @PathParam("v") String v, @PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    VersionView version = version(name, v);
    ExportFormat f =
        ExportFormat.ofId(id)
            .orElseThrow(() -> ApiException.notFound("id", "no export '" + id + "'"));
    ExportStatus s =
        exporter
            .status(version.ref(), f)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "id",
                        "no export '" + id + "' of " + name + " v" + version.ref().version()));
    return json(version, f, s);
  }

  private Map<String, Object> json(VersionView v, ExportFormat f, ExportStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("object", "registry.export");
    m.put("name", v.ref().name());
    m.put("version", v.ref().version());
    m.put("format", f.format());
    m.put("type", f.type() == null ? null : f.type().wireName());
    m.put("status", s.status());
    m.put("error", s.error());
    m.put("replica", s.replica());
    if (s.status().equals(ExportStatus.SUCCEEDED)) {
      String prefix = Exporter.prefix(v.ref(), f);
      m.put("uri", downloads.uriOf(prefix));
      m.put("files", downloads.artifactFiles(prefix, expiry));
    }
    return m;
  }

  private VersionView version(String name, String v) {
    return AdaptersResource.version(
        AdaptersResource.owned(registry.state(), caller.team(), name), v);
  }
}
