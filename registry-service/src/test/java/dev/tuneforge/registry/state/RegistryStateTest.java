package dev.tuneforge.registry.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tuneforge.events.AdapterPromotionRequested;
import dev.tuneforge.events.AdapterRegistrationRequested;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.view.RecordPosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry's fold on its own: decisions taken in log order, stages derived. */
class RegistryStateTest {

  private final RegistryState state = new RegistryState();
  private long offset;

  private CommandOutcome apply(Event e) {
    EventEnvelope env = EventEnvelope.of(e, "test");
    state.apply(env, new RecordPosition("t", 0, offset++));
    return state.outcome(env.eventId()).orElse(null);
  }

  private static TrainingCompleted job(String id) {
    return new TrainingCompleted(
        id,
        "acme",
        "tiny",
        "main",
        "lora",
        "s3://b/runs/" + id + "/adapter/",
        null,
        "d",
        "v1",
        null,
        null,
        null,
        "bot",
        Map.of(),
        1,
        1,
        1.0,
        1.0,
        Map.of());
  }

  private static EvaluationCompleted eval(String job, boolean passed) {
    return new EvaluationCompleted(
        "e-" + job,
        job,
        "acme",
        "s3://b/x/",
        null,
        Map.of("m", 1.0),
        Map.of("m", 0.5),
        Map.of("m", 0.5),
        passed,
        passed ? List.of() : List.of("worse"),
        "s3://b/r.json");
  }

  private static EvaluationCompleted onDemand(String job, boolean passed) {
    EvaluationCompleted e = eval(job, passed);
    return new EvaluationCompleted(
        "od-" + job,
        e.jobId(),
        e.team(),
        e.outputUri(),
        "smoke@0123456789ab",
        e.metrics(),
        e.baseMetrics(),
        e.deltas(),
        passed,
        e.reasons(),
        e.reportUri(),
        EvaluationTrigger.ON_DEMAND);
  }

  private CommandOutcome promote(int version, String alias, Integer expected) {
    return apply(
        new AdapterPromotionRequested(
            "acme", "bot", version, alias, expected, "k", "reviewer", false, null));
  }

  @Test
  void versionsAreNumberedInLogOrderAndADuplicateJobAddsNothing() {
    assertInstanceOf(
        CommandOutcome.Registered.class,
        apply(new AdapterRegistrationRequested("acme", "bot", job("j1"))));
    assertInstanceOf(
        CommandOutcome.Duplicate.class,
        apply(new AdapterRegistrationRequested("acme", "bot", job("j1"))));
    var second = apply(new AdapterRegistrationRequested("acme", "bot", job("j2")));
    assertEquals(new VersionRef("acme", "bot", 2), ((CommandOutcome.Registered) second).ref());
    assertEquals(2, state.adapter("acme", "bot").orElseThrow().versions().size());
  }

  @Test
  void anEvaluationJoinsByJobWhicheverArrivesFirst() {
    apply(eval("j1", true)); // before its registration
    apply(new AdapterRegistrationRequested("acme", "bot", job("j1")));
    apply(new AdapterRegistrationRequested("acme", "bot", job("j2")));
    apply(eval("j2", false));
    var a = state.adapter("acme", "bot").orElseThrow();
    assertEquals(Stage.STAGING, a.version(1).orElseThrow().stage());
    assertEquals(Stage.CANDIDATE, a.version(2).orElseThrow().stage());
    assertEquals(1, a.aliases().get("staging"));
  }

  @Test
  void anOnDemandEvaluationNeverChangesAVersionsStage() {
    apply(new AdapterRegistrationRequested("acme", "bot", job("j1")));
    apply(new AdapterRegistrationRequested("acme", "bot", job("j2")));
    apply(onDemand("j1", true)); // a passing on-demand evaluation does not stage j1
    apply(eval("j2", true));
    apply(onDemand("j2", false)); // nor does a failing one un-stage j2
    var a = state.adapter("acme", "bot").orElseThrow();
    assertEquals(Stage.CANDIDATE, a.version(1).orElseThrow().stage());
    assertEquals(Stage.STAGING, a.version(2).orElseThrow().stage());
    assertEquals("e-j2", state.evaluation("j2").orElseThrow().evaluationId());
    assertEquals(Optional.empty(), state.evaluation("j1"));
  }

  @Test
  void aPromotionAppliesOnlyWhenTheAliasStillPointsWhereTheCallerSawIt() {
    for (String j : List.of("j1", "j2", "j3")) {
      apply(new AdapterRegistrationRequested("acme", "bot", job(j)));
    }
    assertInstanceOf(CommandOutcome.Applied.class, promote(2, "production", null));
    var lost = promote(3, "production", null); // decided concurrently, reached the log second
    assertEquals(
        new CommandOutcome.Conflict(new VersionRef("acme", "bot", 3), "production", null, 2), lost);
    assertInstanceOf(CommandOutcome.Applied.class, promote(3, "production", 2));
    assertEquals(
        Stage.PRODUCTION,
        state.adapter("acme", "bot").orElseThrow().version(3).orElseThrow().stage());
    assertInstanceOf(CommandOutcome.Applied.class, promote(3, "archived", null));
    var a = state.adapter("acme", "bot").orElseThrow();
    assertEquals(Stage.ARCHIVED, a.version(3).orElseThrow().stage());
    assertEquals(null, a.aliases().get("production"), "archiving removes its aliases");
    assertInstanceOf(CommandOutcome.Refused.class, promote(3, "production", null));
    assertInstanceOf(CommandOutcome.Refused.class, promote(9, "production", null));
  }

  @Test
  void anExportsStatusIsTheLatestFactAboutItWhicheverReplicaRecordedIt() {
    VersionRef ref = new VersionRef("acme", "support", 1);
    assertEquals(java.util.Optional.empty(), state.export(ref, "merged"));
    apply(
        new dev.tuneforge.events.AdapterExportStarted(
            "acme", "support", 1, "merged", "merged", null, "replica-a/1", "key-1"));
    assertEquals("running", state.export(ref, "merged").orElseThrow().status());
    assertEquals("replica-a/1", state.export(ref, "merged").orElseThrow().replica());
    apply(
        new dev.tuneforge.events.AdapterExportFailed(
            "acme", "support", 1, "merged", "merged", null, "replica-a/1", "no base model"));
    ExportRecord failed = state.export(ref, "merged").orElseThrow();
    assertEquals("failed", failed.status());
    assertEquals("no base model", failed.error());
    // Started again on another replica, then done: the last fact wins.
    apply(
        new dev.tuneforge.events.AdapterExportStarted(
            "acme", "support", 1, "merged", "merged", null, "replica-b/2", "key-2"));
    assertEquals("running", state.export(ref, "merged").orElseThrow().status());
    apply(
        new dev.tuneforge.events.AdapterExported(
            "acme", "support", 1, "merged", "merged", null, "s3://b/x/", "ab"));
    assertEquals("succeeded", state.export(ref, "merged").orElseThrow().status());
    // Other exports and versions are their own.
    assertEquals(java.util.Optional.empty(), state.export(ref, "gguf-f16"));
    assertEquals(
        java.util.Optional.empty(), state.export(new VersionRef("acme", "support", 2), "merged"));
  }
}
