package dev.tuneforge.platform.auth;

import dev.tuneforge.platform.ApiException;
import jakarta.enterprise.context.RequestScoped;

/**
 * Who is calling: the key id, team and role of the request's API key, set by {@link
 * ApiKeyAuthentication} before any resource runs. Resources inject it, call {@link #requireRole}
 * first and scope every read and write to {@link #team()}.
 */
@RequestScoped
public class Caller {

  private ApiKey key;

  void authenticate(ApiKey key) {
    this.key = key;
  }

  public String keyId() {
    return key().id();
  }

  public String team() {
    return key().team();
  }

  public Role role() {
    return key().role();
  }

  /** 403 naming the operation and the role it needs, unless this caller's role grants it. */
  public Caller requireRole(Role required) {
    if (!key().role().grants(required)) {
      throw ApiException.forbidden(
          "this API key has role '"
              + key().role().wireName()
              + "'; this operation needs '"
              + required.wireName()
              + "'"
              + (required == Role.ADMIN ? "" : " or 'admin'"));
    }
    return this;
  }

  /** Whether an object recorded as {@code team}'s belongs to this caller's team. */
  public boolean owns(String team) {
    return team != null && team.equals(team());
  }

  private ApiKey key() {
    if (key == null) {
      // Only reachable if a resource runs without the filter: fail closed.
      throw ApiException.unauthorized("no API key: send 'Authorization: Bearer <key>'");
    }
    return key;
  }
}
