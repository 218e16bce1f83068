package dev.tuneforge.events;

import java.time.Instant;

/**
 * A team stored a version of a regression suite. Versions are content hashes, so the same suite
 * stored twice is one version; the evaluator's suite catalog is this topic read from the start.
 *
 * @param version the first 12 hex digits of the SHA-256 of {@code canonicalJson}
 * @param canonicalJson the suite as parsed and stored (keys sorted): parsing it again gives the
 *     same suite and version
 */
public record EvaluationSuiteCreated(
    String team, String name, String version, String canonicalJson, Instant createdAt)
    implements Event {
  @Override
  public String key() {
    return team + "/" + name;
  }
}
