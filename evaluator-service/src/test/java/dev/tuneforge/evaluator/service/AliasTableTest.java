package dev.tuneforge.evaluator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tuneforge.events.AdapterVersionRecorded;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AliasTableTest {

  private static AdapterVersionRecorded version(
      String team, int v, String stage, List<String> aliases) {
    return new AdapterVersionRecorded(
        team,
        "support",
        v,
        "ft:base:" + team + ":support:job" + v,
        stage,
        aliases,
        "ftjob-job" + v,
        "s3://tuneforge/runs/ftjob-job" + v + "/adapter/",
        "base",
        "main",
        "chats",
        "1",
        Map.of(),
        true,
        null);
  }

  @Test
  void aliasesAndVersionNumbersNameTheTeamsVersion() {
    AliasTable t = new AliasTable();
    t.apply(version("a", 1, "production", List.of("production")));
    t.apply(version("a", 2, "staging", List.of("staging")));
    assertEquals(Optional.of("ft:base:a:support:job1"), t.resolve("a", "support@production"));
    assertEquals(Optional.of("ft:base:a:support:job2"), t.resolve("a", "support@staging"));
    assertEquals(Optional.of("ft:base:a:support:job2"), t.resolve("a", "support@2"));
    // Another team's name, an unknown alias, a malformed reference: nothing.
    assertEquals(Optional.empty(), t.resolve("b", "support@production"));
    assertEquals(Optional.empty(), t.resolve("a", "support@canary"));
    assertEquals(Optional.empty(), t.resolve("a", "support@"));
    assertEquals(Optional.empty(), t.resolve("a", "@production"));
  }

  @Test
  void aMovedAliasFollowsItsNewVersionWhicheverRecordArrivesFirst() {
    // The new holder's record first, then the old holder's without the alias.
    AliasTable t = new AliasTable();
    t.apply(version("a", 1, "production", List.of("production")));
    t.apply(version("a", 2, "production", List.of("production")));
    t.apply(version("a", 1, "staging", List.of()));
    assertEquals(Optional.of("ft:base:a:support:job2"), t.resolve("a", "support@production"));

    // The old holder's record first.
    AliasTable u = new AliasTable();
    u.apply(version("a", 1, "production", List.of("production")));
    u.apply(version("a", 1, "staging", List.of()));
    assertEquals(Optional.empty(), u.resolve("a", "support@production"));
    u.apply(version("a", 2, "production", List.of("production")));
    assertEquals(Optional.of("ft:base:a:support:job2"), u.resolve("a", "support@production"));
  }

  @Test
  void anArchivedVersionIsNoLongerServedByNumberOrAlias() {
    AliasTable t = new AliasTable();
    t.apply(version("a", 1, "production", List.of("production")));
    t.apply(version("a", 1, "archived", List.of("production")));
    assertEquals(Optional.empty(), t.resolve("a", "support@1"));
    assertEquals(Optional.empty(), t.resolve("a", "support@production"));
  }
}
