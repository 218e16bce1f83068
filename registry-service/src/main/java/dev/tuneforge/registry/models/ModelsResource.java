package dev.tuneforge.registry.models;

import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import dev.tuneforge.registry.adapters.AdapterRegistry;
import dev.tuneforge.registry.state.BaseModel;
import dev.tuneforge.registry.state.CommandOutcome;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.VersionView;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/models} in OpenAI's shape: the base models the caller may train on (usable imports of
 * its team or of every team) and its team's fine-tuned models ({@code ft:…}, not archived), with
 * {@code owned_by} the owning team ({@code system} for models imported for every team).
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ModelsResource {

  @Inject AdapterRegistry registry;
  @Inject ModelImports imports;
  @Inject Caller caller;

  /**
   * Registers a base model uploaded to {@code models/<name>/<revision>/} ({@code tuneforge models
   * import} uploads and calls this): 201 when the engine can use it; 400 {@code model_rejected}
   * naming the file or tensor otherwise (recorded, never offered). An admin's import is visible to
   * every team, a trainer's to its own.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response importModel(ModelImportRequest body) {
    caller.requireRole(Role.TRAINER);
    if (body == null || body.name() == null) {
      throw ApiException.invalid("name", "expected a JSON object with 'name' (and 'revision')");
    }
    String revision = body.revision() == null ? BucketLayout.DEFAULT_REVISION : body.revision();
    try {
      BucketLayout.model(body.name(), revision);
    } catch (InvalidNameException e) {
      throw ApiException.invalid(
          e.getMessage().contains("revision") ? "revision" : "name", e.getMessage());
    }
    String team = caller.role() == Role.ADMIN ? null : caller.team();
    BaseModel m =
        imports
            .importModel(body.name(), revision, team, caller.keyId())
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "name",
                        "nothing uploaded at "
                            + BucketLayout.model(body.name(), revision)
                            + " (upload it with `tuneforge models import DIR --name "
                            + body.name()
                            + "`)"));
    if (!m.usable()) {
      throw new ApiException(
          400,
          "invalid_request_error",
          "name",
          "model_rejected",
          "model " + m.id() + " was rejected: " + m.rejection());
    }
    return Response.status(201).entity(base(m)).build();
  }

  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after, @QueryParam("limit") String limit) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    List<Map<String, Object>> all = new ArrayList<>();
    for (BaseModel m : state().models()) {
      if (m.usable() && !m.archived() && m.visibleTo(caller.team())) {
        all.add(base(m));
      }
    }
    state().adapters(caller.team()).stream()
        .flatMap(a -> a.versions().stream())
        .filter(v -> !v.archived())
        .sorted(
            java.util.Comparator.comparing(VersionView::createdAt)
                .thenComparing(VersionView::fineTunedModel))
        .forEach(v -> all.add(fineTuned(v)));
    ApiList<Map<String, Object>> cut = page.of(all, m -> (String) m.get("id"));
    return cut;
  }

  @GET
  @Path("/{id: .+}")
  public Map<String, Object> get(@PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    if (FineTunedModelId.isFineTuned(id)) {
      return fineTuned(fineTunedOrNotFound(id));
    }
    return base(baseOrNotFound(id));
  }

  /**
   * Archives a fine-tuned model (OpenAI's delete: no longer listed or served; reviewer), or deletes
   * a base model from the registry (its team's trainer, or an admin for a model of every team),
   * refused while a version that is not archived uses it.
   */
  @DELETE
  @Path("/{id: .+}")
  public Map<String, Object> delete(@PathParam("id") String id) {
    if (!FineTunedModelId.isFineTuned(id)) {
      deleteBase(id);
    } else {
      caller.requireRole(Role.REVIEWER);
      VersionView v = fineTunedOrNotFound(id);
      CommandOutcome outcome =
          registry.promote(
              v.ref(),
              RegistryState.ARCHIVED,
              null,
              caller.keyId(),
              caller.role().wireName(),
              false,
              "deleted through /v1/models");
      if (!(outcome instanceof CommandOutcome.Applied)) {
        throw ApiException.invalid("model", "cannot delete '" + id + "': " + outcome);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", "model");
    m.put("deleted", true);
    return m;
  }

  private void deleteBase(String id) {
    caller.requireRole(Role.TRAINER);
    BaseModel b = baseOrNotFound(id);
    if (b.team() == null) {
      caller.requireRole(Role.ADMIN); // a model of every team
    }
    List<dev.tuneforge.registry.state.VersionRef> users =
        state().versionsUsing(b.name(), b.revision());
    if (!users.isEmpty()) {
      long own = users.stream().filter(r -> r.team().equals(caller.team())).count();
      throw new ApiException(
          409,
          "invalid_request_error",
          "model",
          "model_in_use",
          "base model "
              + id
              + " is used by "
              + users.size()
              + " registered version(s) that are not archived"
              + (own > 0
                  ? " (yours: "
                      + users.stream()
                          .filter(r -> r.team().equals(caller.team()))
                          .map(r -> r.name() + " v" + r.version())
                          .collect(java.util.stream.Collectors.joining(", "))
                      + ")"
                  : ""));
    }
    imports.archive(b, caller.keyId());
  }

  private VersionView fineTunedOrNotFound(String id) {
    return state()
        .byFineTunedModel(caller.team(), id)
        .filter(v -> !v.archived())
        .orElseThrow(() -> ApiException.notFound("model", "no model '" + id + "'"));
  }

  private BaseModel baseOrNotFound(String id) {
    int at = id.lastIndexOf('@');
    String name = at < 0 ? id : id.substring(0, at);
    String revision = at < 0 ? "main" : id.substring(at + 1);
    Optional<BaseModel> m = state().model(name, revision);
    return m.filter(BaseModel::usable)
        .filter(b -> !b.archived())
        .filter(b -> b.visibleTo(caller.team()))
        .orElseThrow(() -> ApiException.notFound("model", "no model '" + id + "'"));
  }

  private RegistryState state() {
    return registry.state();
  }

  static Map<String, Object> base(BaseModel b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", b.id());
    m.put("object", "model");
    m.put("created", b.createdAt().getEpochSecond());
    m.put("owned_by", b.team() == null ? "system" : b.team());
    m.put("revision", b.revision());
    m.put("architecture", b.architecture());
    m.put("sha256", b.sha256());
    return m;
  }

  static Map<String, Object> fineTuned(VersionView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.fineTunedModel());
    m.put("object", "model");
    m.put("created", v.createdAt().getEpochSecond());
    m.put("owned_by", v.ref().team());
    m.put("root", v.training().baseModel());
    m.put("parent", v.training().baseModel());
    m.put(
        "registry",
        Map.of(
            "name", v.ref().name(), "version", v.ref().version(), "stage", v.stage().wireName()));
    return m;
  }
}
