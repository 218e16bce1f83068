package dev.tuneforge.platform.auth;

import dev.tuneforge.platform.api.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/keys}: a key for {@code team} with {@code role}; {@code name} is a label for
 * people.
 */
public record NewKey(String name, String team, String role) {

  /** Team names are short identifiers: they end up in manifests, events and logs. */
  public static final Pattern TEAM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Every problem, each naming its field. */
  public List<FieldError> validate() {
    List<FieldError> errors = new ArrayList<>();
    if (team == null || team.isBlank()) {
      errors.add(new FieldError("team", "missing team"));
    } else if (!TEAM.matcher(team).matches()) {
      errors.add(
          new FieldError(
              "team",
              "invalid team '" + team + "': use 1-64 lower-case letters, digits, '-' or '_'"));
    }
    if (role == null || role.isBlank()) {
      errors.add(new FieldError("role", "missing role (one of " + Role.names() + ")"));
    } else if (Role.parse(role).isEmpty()) {
      errors.add(
          new FieldError("role", "unknown role '" + role + "' (one of " + Role.names() + ")"));
    }
    if (name != null && (name.length() > 100 || name.chars().anyMatch(Character::isISOControl))) {
      errors.add(new FieldError("name", "name must be at most 100 printable characters"));
    }
    return errors;
  }
}
