package dev.tuneforge.registry.state;

import java.time.Instant;
import java.util.Map;

/**
 * A base model import: usable (passed the engine's checks) or rejected with the reason.
 *
 * @param team null when visible to every team (imported with an admin key)
 */
public record BaseModel(
    String name,
    String revision,
    String team,
    String uri,
    String sha256,
    String architecture,
    Map<String, String> files,
    boolean usable,
    String rejection,
    boolean archived,
    Instant createdAt) {

  public String id() {
    return revision.equals("main") ? name : name + "@" + revision;
  }

  public boolean visibleTo(String callerTeam) {
    return team == null || team.equals(callerTeam);
  }
}
