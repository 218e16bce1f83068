package dev.tuneforge.platform.auth;

import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/keys}: issue, list and revoke API keys (admin only), and {@code GET /v1/keys/self} for
 * any key to see its own id, team and role. It lives in libs/platform, so every service can serve
 * it (each writes to and reads from the same topic); the gateway and the Ingress route {@code
 * /v1/keys} to dataset-service.
 */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class KeysResource {

  @Inject ApiKeyStore keys;
  @Inject Caller caller;

  /** The new key with its secret under {@code key}: shown this once, stored only as a hash. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(NewKey request) {
    caller.requireRole(Role.ADMIN);
    if (request == null) {
      throw ApiException.invalid(
          "body", "expected a JSON object with team, role and optionally name");
    }
    var errors = request.validate();
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    IssuedKey issued = keys.issue(request);
    Map<String, Object> body = json(issued.key());
    body.put("key", issued.secret());
    return Response.status(201).entity(body).build();
  }

  /** Every key of every team, oldest first, without secrets; paged by key id. */
  @GET
  public ApiList<Map<String, Object>> list(
      @QueryParam("after") String after, @QueryParam("limit") String limit) {
    caller.requireRole(Role.ADMIN);
    ApiList<ApiKey> page = Page.parse(after, limit).of(keys.all(), ApiKey::id);
    return ApiList.of(
        page.data().stream().map(KeysResource::json).toList(),
        page.firstId(),
        page.lastId(),
        page.hasMore());
  }

  @GET
  @Path("/self")
  public Map<String, Object> self() {
    return json(keys.byId(caller.keyId()).orElseThrow());
  }

  @GET
  @Path("/{id}")
  public Map<String, Object> get(@PathParam("id") String id) {
    caller.requireRole(Role.ADMIN);
    return json(keys.byId(id).orElseThrow(() -> noSuchKey(id)));
  }

  @POST
  @Path("/{id}/revoke")
  public Map<String, Object> revoke(@PathParam("id") String id) {
    caller.requireRole(Role.ADMIN);
    return json(keys.revoke(id).orElseThrow(() -> noSuchKey(id)));
  }

  @DELETE
  @Path("/{id}")
  public Map<String, Object> delete(@PathParam("id") String id) {
    return revoke(id);
  }

  static Map<String, Object> json(ApiKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", k.id());
    m.put("object", "api_key");
    m.put("name", k.name());
    m.put("team", k.team());
    m.put("role", k.role() == null ? null : k.role().wireName());
    m.put("created_at", k.createdAt().getEpochSecond());
    m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().getEpochSecond());
    return m;
  }

  private static ApiException noSuchKey(String id) {
    return ApiException.notFound("key_id", "no API key '" + id + "'");
  }
}
