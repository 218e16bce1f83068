package dev.tuneforge.platform.auth;

import dev.tuneforge.events.ApiKeySecrets;
import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.ApiExceptionMappers;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API-key check of every service: each request that reaches a REST resource (everything under
 * {@code /v1}; health and metrics under {@code /q} are served outside REST and stay open) must
 * carry {@code Authorization: Bearer <key>} naming a known, unrevoked key. It runs before resource
 * matching, so an unknown path without a key is a 401 too and nothing is revealed about what
 * exists. It lives in libs/platform, so it holds on a service's own port, behind the gateway and
 * behind an Ingress alike.
 */
public class ApiKeyAuthentication {

  static final String HOW =
      "send 'Authorization: Bearer <key>' (./tuneforge keys create, or $TUNEFORGE_DATA/admin-key)";

  @Inject ApiKeyDirectory keys;
  @Inject Caller caller;

  @ServerRequestFilter(preMatching = true, priority = 100)
  public Optional<Response> authenticate(ContainerRequestContext request) {
    try {
      caller.authenticate(check(request.getHeaders().get(HttpHeaders.AUTHORIZATION)));
      return Optional.empty();
    } catch (ApiException e) {
      Response r =
          ApiExceptionMappers.body(e.status(), e.type(), e.param(), e.code(), e.getMessage());
      return Optional.of(
          Response.fromResponse(r)
              .header("WWW-Authenticate", "Bearer realm=\"tuneforge\"")
              .build());
    }
  }

  /**
   * The key named by the Authorization header values, or a 401 saying what is wrong (never echoing
   * the value).
   */
  ApiKey check(List<String> values) {
    if (values == null || values.isEmpty()) {
      throw ApiException.unauthorized("missing API key: " + HOW);
    }
    if (values.size() > 1) {
      throw ApiException.unauthorized("more than one Authorization header: send exactly one");
    }
    String value = values.get(0).strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw ApiException.unauthorized(
          "the Authorization header must use the Bearer scheme: " + HOW);
    }
    String token = value.substring(space + 1).strip();
    if (!ApiKeySecrets.wellFormed(token)) {
      throw ApiException.unauthorized(
          "malformed API key (expected a tf-… key of at most 256 characters): " + HOW);
    }
    ApiKey key =
        keys.bySecretHash(ApiKeySecrets.sha256(token))
            .orElseThrow(() -> ApiException.unauthorized("unknown API key: " + HOW));
    if (key.revoked()) {
      throw ApiException.unauthorized(
          "this API key was revoked at " + key.revokedAt() + ": ask an admin for a new one");
    }
    if (key.role() == null) {
      throw ApiException.unauthorized(
          "this API key has a role this service does not know: ask an admin for a new one");
    }
    return key;
  }
}
