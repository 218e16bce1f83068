package dev.tuneforge.evaluator.suites;

import dev.tuneforge.evaluator.suite.Suite;
import java.time.Instant;

/** One stored version of a team's suite. */
public record StoredSuite(String team, Suite suite, Instant createdAt) {
  public String name() {
    return suite.name();
  }

  public String version() {
    return suite.version();
  }
}
