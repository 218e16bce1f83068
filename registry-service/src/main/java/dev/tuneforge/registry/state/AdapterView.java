package dev.tuneforge.registry.state;

import java.util.List;
import java.util.Map;

/**
 * One adapter name of one team: its versions (oldest first), its aliases (including the derived
 * {@code staging}), and the aliases set explicitly (what a promotion compares and sets).
 */
public record AdapterView(
    String team,
    String name,
    List<VersionView> versions,
    Map<String, Integer> aliases,
    Map<String, Integer> explicitAliases) {

  public VersionView latest() {
    return versions.get(versions.size() - 1);
  }

  public java.util.Optional<VersionView> version(int v) {
    return versions.stream().filter(x -> x.ref().version() == v).findFirst();
  }
}
