package dev.tuneforge.evaluator.suite;

import dev.tuneforge.evaluator.gate.GatePolicy;
import java.util.List;

/**
 * A parsed, valid regression suite. Its version is a content hash of its canonical JSON (keys
 * sorted, whitespace dropped), so the same suite written as YAML or JSON, or reformatted, keeps its
 * version, and any change to a case gives a new one.
 *
 * @param sha256 hex SHA-256 of {@link #canonicalJson}
 * @param version the first 12 hex digits of the hash: what {@code name@version} names
 * @param gate thresholds the suite sets ({@link GatePolicy#NONE} when it sets none)
 * @param canonicalJson the suite as stored; parsing it again gives the same suite and version
 */
public record Suite(
    String name,
    String version,
    String sha256,
    List<SuiteCase> cases,
    GatePolicy gate,
    String canonicalJson) {
  public Suite {
    cases = List.copyOf(cases);
  }

  /** {@code name@version}. */
  public String ref() {
    return name + "@" + version;
  }
}
