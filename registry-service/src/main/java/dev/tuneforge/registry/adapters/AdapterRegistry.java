package dev.tuneforge.registry.adapters;

import dev.tuneforge.events.AdapterArchived;
import dev.tuneforge.events.AdapterPromoted;
import dev.tuneforge.events.AdapterPromotionRequested;
import dev.tuneforge.events.AdapterRegistered;
import dev.tuneforge.events.AdapterRegistrationRequested;
import dev.tuneforge.events.AdapterStageChanged;
import dev.tuneforge.events.AdapterVersionRecorded;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.Event;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.EventPublisher;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.StaleViewException;
import dev.tuneforge.registry.state.CommandOutcome;
import dev.tuneforge.registry.state.RegistryState;
import dev.tuneforge.registry.state.RegistryView;
import dev.tuneforge.registry.state.Stage;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.registry.state.VersionView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Changes to the registry. A change is a command appended to the registry's log; once this
 * replica's view has folded it (read-your-writes), the projection's outcome says what happened —
 * the same on every replica — and only then are the facts announced (AdapterRegistered,
 * AdapterPromoted, …) and the version's current record written to the compacted topic.
 */
@ApplicationScoped
public class AdapterRegistry {

  private static final Logger LOG = Logger.getLogger(AdapterRegistry.class);
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject RegistryView registry;
  @Inject EventPublisher publisher;

  @ConfigProperty(name = "quarkus.application.name")
  String service;

  @ConfigProperty(name = "tuneforge.registry.commands-topic")
  String commandsTopic;

  @ConfigProperty(name = "tuneforge.registry.events-topic")
  String eventsTopic;

  @ConfigProperty(name = "tuneforge.registry.adapters-topic")
  String adaptersTopic;

  public RegistryState state() {
    return registry.state();
  }

  /**
   * Registers a finished job's output under its name; a job registered before gives {@link
   * CommandOutcome.Duplicate} and changes nothing.
   */
  public CommandOutcome register(TrainingCompleted t) {
    String name = AdapterNames.of(t);
    CommandOutcome outcome = decide(new AdapterRegistrationRequested(t.team(), name, t));
    if (outcome instanceof CommandOutcome.Registered r) {
      VersionView v = version(r.ref());
      publisher.publish(
          eventsTopic,
          new AdapterRegistered(
              t.team(),
              name,
              r.ref().version(),
              v.fineTunedModel(),
              t.jobId(),
              t.method(),
              t.outputUri(),
              t.outputSha256(),
              t.baseModel(),
              t.baseRevision(),
              t.datasetName(),
              t.datasetVersion(),
              t.datasetSha256(),
              t.metrics()));
      if (v.evaluationPassed()) { // the evaluation was folded before the registration
        announceStaging(v, v.evaluation());
      }
      record(v);
      LOG.infof("registered %s from job %s", r.ref(), t.jobId());
    } else if (outcome instanceof CommandOutcome.Duplicate d) {
      LOG.infof("job %s is already registered as %s; nothing new", t.jobId(), d.existing());
    }
    return outcome;
  }

  /**
   * After this replica's view has folded the evaluation at {@code at}: a registered version whose
   * evaluation passed is now in staging, which is announced once (this method runs on the one
   * replica that consumed the record).
   */
  public void evaluated(EvaluationCompleted e, RecordPosition at) {
    await(at);
    Optional<VersionView> v = state().byJob(e.jobId());
    if (v.isEmpty()) {
      LOG.infof(
          "evaluation %s of job %s arrived before its registration", e.evaluationId(), e.jobId());
      return;
    }
    if (e.passed() && v.get().stage() == Stage.STAGING) {
      announceStaging(v.get(), e);
    }
    record(v.get());
  }

  /**
   * Moves {@code alias} to the version if it still points at {@code expected} when the command
   * reaches the log, or archives the version ({@code alias} = archived).
   */
  public CommandOutcome promote(
      VersionRef ref,
      String alias,
      Integer expected,
      String by,
      String role,
      boolean forced,
      String reason) {
    CommandOutcome outcome =
        decide(
            new AdapterPromotionRequested(
                ref.team(), ref.name(), ref.version(), alias, expected, by, role, forced, reason));
    if (outcome instanceof CommandOutcome.Applied a) {
      if (RegistryState.ARCHIVED.equals(alias)) {
        publisher.publish(
            eventsTopic, new AdapterArchived(ref.team(), ref.name(), ref.version(), by, reason));
      } else {
        publisher.publish(
            eventsTopic,
            new AdapterPromoted(
                ref.team(), ref.name(), ref.version(), alias, a.previous(), by, forced, reason));
      }
      record(version(ref));
      Integer previous = a.previous();
      if (previous != null && previous != ref.version()) { // its stage changed too
        record(version(new VersionRef(ref.team(), ref.name(), previous)));
      }
    }
    return outcome;
  }

  private void announceStaging(VersionView v, EvaluationCompleted e) {
    publisher.publish(
        eventsTopic,
        new AdapterStageChanged(
            v.ref().team(),
            v.ref().name(),
            v.ref().version(),
            Stage.CANDIDATE.wireName(),
            Stage.STAGING.wireName(),
            "evaluation " + e.evaluationId() + " passed"));
  }

  /** Writes the version's current record to the compacted topic. */
  private void record(VersionView v) {
    TrainingCompleted t = v.training();
    publisher.publish(
        adaptersTopic,
        new AdapterVersionRecorded(
            v.ref().team(),
            v.ref().name(),
            v.ref().version(),
            v.fineTunedModel(),
            v.stage().wireName(),
            v.aliases(),
            t.jobId(),
            t.outputUri(),
            t.baseModel(),
            t.baseRevision(),
            t.datasetName(),
            t.datasetVersion(),
            v.evaluation() == null ? t.metrics() : v.evaluation().metrics(),
            v.evaluation() == null ? null : v.evaluation().passed(),
            v.evaluation() == null ? null : v.evaluation().reportUri()));
  }

  private VersionView version(VersionRef ref) {
    return state()
        .adapter(ref.team(), ref.name())
        .flatMap(a -> a.version(ref.version()))
        .orElseThrow(() -> new IllegalStateException(ref + " vanished from the registry view"));
  }

  /** Appends a command, waits until this replica's view has folded it, returns its outcome. */
  private CommandOutcome decide(Event command) {
    EventEnvelope envelope = EventEnvelope.of(command, service);
    RecordPosition at = publisher.publish(commandsTopic, envelope);
    await(at);
    return state()
        .outcome(envelope.eventId())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the registry view passed " + at + " without an outcome for its command"));
  }

  private void await(RecordPosition at) {
    KafkaView view = registry.view();
    try {
      if (!view.awaitPosition(at, WAIT)) {
        throw new StaleViewException(view.name(), at, WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StaleViewException(view.name(), at, WAIT);
    }
  }
}
