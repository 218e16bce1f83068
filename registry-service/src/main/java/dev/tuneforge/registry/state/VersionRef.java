package dev.tuneforge.registry.state;

/** One registered version: adapter {@code name} of {@code team}, version {@code version}. */
public record VersionRef(String team, String name, int version) {
  @Override
  public String toString() {
    return team + "/" + name + " v" + version;
  }
}
