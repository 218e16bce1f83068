package dev.tuneforge.registry.state;

import dev.tuneforge.events.AdapterExportFailed;
import dev.tuneforge.events.AdapterExportStarted;
import dev.tuneforge.events.AdapterExported;
import dev.tuneforge.events.AdapterKeys;
import dev.tuneforge.events.AdapterPromotionRequested;
import dev.tuneforge.events.AdapterRegistrationRequested;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.events.ModelArchived;
import dev.tuneforge.events.ModelImported;
import dev.tuneforge.events.ModelRejected;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry, folded from Kafka: the command log (registrations and promotions, keyed by adapter,
 * so one adapter's commands are in one partition, in order), evaluation outcomes and base-model
 * facts. Decisions that must agree across replicas are taken here in log order — the next version
 * number, a duplicate job, which of two concurrent promotions wins (compare-and-set on the alias) —
 * and the outcome of each command is kept by eventId for the replica that wrote it.
 *
 * <p>Evaluations join by job id whenever they arrive (before or after the registration), and a
 * version's stage is derived from its evaluation, aliases and archive flag, so the order in which
 * the evaluation topic and the command log interleave does not change any reader's answer.
 */
public final class RegistryState implements ViewProjection {

  /** Explicit alias names with a meaning of their own. */
  public static final String PRODUCTION = "production";

  public static final String STAGING = "staging";
  public static final String ARCHIVED = "archived";

  private final Map<String, Entry> adapters = new HashMap<>();
  private final Map<String, VersionRef> byJob = new HashMap<>();
  private final Map<String, EvaluationCompleted> evaluations = new HashMap<>();
  private final Map<String, CommandOutcome> outcomes = new HashMap<>();
  private final Map<String, BaseModel> models = new TreeMap<>();
  private final Map<String, ExportRecord> exports = new HashMap<>();

  /** Export statuses as folded from the registry's facts. */
  public static final String EXPORT_RUNNING = "running";

  public static final String EXPORT_FAILED = "failed";
  public static final String EXPORT_SUCCEEDED = "succeeded";

  @Override
  public synchronized void apply(EventEnvelope event, RecordPosition position) {
    Object payload = event.payload();
    if (payload instanceof AdapterRegistrationRequested r) {
      outcomes.put(event.eventId(), register(r, event));
    } else if (payload instanceof AdapterPromotionRequested p) {
      outcomes.put(event.eventId(), promote(p, event));
    } else if (payload instanceof AdapterExportStarted x) {
      exports.put(
          exportKey(x.team(), x.name(), x.version(), x.exportId()),
          new ExportRecord(x.exportId(), EXPORT_RUNNING, null, x.replica(), event.occurredAt()));
    } else if (payload instanceof AdapterExportFailed x) {
      exports.put(
          exportKey(x.team(), x.name(), x.version(), x.exportId()),
          new ExportRecord(
              x.exportId(), EXPORT_FAILED, x.reason(), x.replica(), event.occurredAt()));
    } else if (payload instanceof AdapterExported x) {
      exports.put(
          exportKey(x.team(), x.name(), x.version(), x.exportId()),
          new ExportRecord(x.exportId(), EXPORT_SUCCEEDED, null, null, event.occurredAt()));
    } else if (payload instanceof EvaluationCompleted e && !e.onDemand()) {
      // Only a run's automatic evaluation stages its version; an on-demand one informs, no more.
      evaluations.put(e.jobId(), e);
    } else if (payload instanceof ModelImported m) {
      models.put(
          m.key(),
          new BaseModel(
              m.name(),
              m.revision(),
              m.team(),
              m.uri(),
              m.sha256(),
              m.architecture(),
              Map.copyOf(m.files()),
              true,
              null,
              false,
              event.occurredAt()));
    } else if (payload instanceof ModelArchived m) {
      BaseModel b = models.get(m.key());
      if (b != null) {
        models.put(
            m.key(),
            new BaseModel(
                b.name(),
                b.revision(),
                b.team(),
                b.uri(),
                b.sha256(),
                b.architecture(),
                b.files(),
                b.usable(),
                b.rejection(),
                true,
                b.createdAt()));
      }
    } else if (payload instanceof ModelRejected m) {
      models.put(
          m.key(),
          new BaseModel(
              m.name(),
              m.revision(),
              m.team(),
              m.uri(),
              null,
              null,
              Map.of(),
              false,
              m.reason(),
              false,
              event.occurredAt()));
    }
    // Other facts on these topics (EvaluationFailed, the registry's other announcements) change
    // nothing here.
  }

  private CommandOutcome register(AdapterRegistrationRequested r, EventEnvelope event) {
    TrainingCompleted t = r.training();
    VersionRef existing = byJob.get(t.jobId());
    if (existing != null) {
      return new CommandOutcome.Duplicate(existing);
    }
    Entry entry =
        adapters.computeIfAbsent(
            AdapterKeys.of(r.team(), r.name()), k -> new Entry(r.team(), r.name()));
    int version = entry.versions.size() + 1;
    VersionRef ref = new VersionRef(r.team(), r.name(), version);
    entry.versions.add(new Version(ref, t, event.occurredAt()));
    byJob.put(t.jobId(), ref);
    return new CommandOutcome.Registered(ref);
  }

  private CommandOutcome promote(AdapterPromotionRequested p, EventEnvelope event) {
    Entry entry = adapters.get(AdapterKeys.of(p.team(), p.name()));
    if (entry == null || p.version() < 1 || p.version() > entry.versions.size()) {
      return new CommandOutcome.Refused(
          "no version " + p.version() + " of adapter '" + p.name() + "'");
    }
    Version v = entry.versions.get(p.version() - 1);
    VersionRef ref = v.ref;
    if (v.archived) {
      return new CommandOutcome.Refused(ref + " is archived");
    }
    PromotionRecord record =
        new PromotionRecord(
            p.alias(),
            entry.aliases.get(p.alias()),
            p.requestedBy(),
            p.role(),
            p.forced(),
            p.reason(),
            event.occurredAt());
    if (ARCHIVED.equals(p.alias())) {
      v.archived = true;
      v.promotions.add(record);
      entry.aliases.values().removeIf(x -> x == p.version());
      return new CommandOutcome.Applied(ref, ARCHIVED, null);
    }
    Integer current = entry.aliases.get(p.alias());
    if (!Objects.equals(current, p.expectedVersion())) {
      return new CommandOutcome.Conflict(ref, p.alias(), p.expectedVersion(), current);
    }
    entry.aliases.put(p.alias(), p.version());
    v.promotions.add(record);
    return new CommandOutcome.Applied(ref, p.alias(), current);
  }

  // ---------------------------------------------------------------- reads

  /** The outcome of the command published with {@code eventId}, once the view has applied it. */
  public synchronized Optional<CommandOutcome> outcome(String eventId) {
    return Optional.ofNullable(outcomes.get(eventId));
  }

  public synchronized Optional<AdapterView> adapter(String team, String name) {
    Entry e = adapters.get(AdapterKeys.of(team, name));
    return e == null ? Optional.empty() : Optional.of(view(e));
  }

  /** Every adapter of {@code team}, by name. */
  public synchronized List<AdapterView> adapters(String team) {
    return adapters.values().stream()
        .filter(e -> e.team.equals(team))
        .sorted(Comparator.comparing(e -> e.name))
        .map(this::view)
        .toList();
  }

  /** Every adapter of every team, for comparing two views (restart tests). */
  public synchronized List<AdapterView> all() {
    return adapters.values().stream()
        .sorted(Comparator.comparing(e -> AdapterKeys.of(e.team, e.name)))
        .map(this::view)
        .toList();
  }

  public synchronized Optional<VersionView> byJob(String jobId) {
    VersionRef ref = byJob.get(jobId);
    if (ref == null) {
      return Optional.empty();
    }
    return adapter(ref.team(), ref.name()).flatMap(a -> a.version(ref.version()));
  }

  public synchronized Optional<VersionView> byFineTunedModel(String team, String id) {
    for (Entry e : adapters.values()) {
      if (!e.team.equals(team)) {
        continue;
      }
      for (Version v : e.versions) {
        if (fineTunedModel(v).equals(id)) {
          return view(e).version(v.ref.version());
        }
      }
    }
    return Optional.empty();
  }

  /** Registered versions (of any team) not archived whose base is {@code name@revision}. */
  public synchronized List<VersionRef> versionsUsing(String name, String revision) {
    List<VersionRef> out = new ArrayList<>();
    for (Entry e : adapters.values()) {
      for (Version v : e.versions) {
        String rev = v.training.baseRevision() == null ? "main" : v.training.baseRevision();
        if (!v.archived && v.training.baseModel().equals(name) && rev.equals(revision)) {
          out.add(v.ref);
        }
      }
    }
    return out;
  }

  /** The latest fact about export {@code exportId} of {@code ref}, if any replica recorded one. */
  public synchronized Optional<ExportRecord> export(VersionRef ref, String exportId) {
    return Optional.ofNullable(
        exports.get(exportKey(ref.team(), ref.name(), ref.version(), exportId)));
  }

  private static String exportKey(String team, String name, int version, String exportId) {
    return AdapterKeys.of(team, name) + "/v" + version + "/" + exportId;
  }

  public synchronized Optional<EvaluationCompleted> evaluation(String jobId) {
    return Optional.ofNullable(evaluations.get(jobId));
  }

  public synchronized List<BaseModel> models() {
    return List.copyOf(models.values());
  }

  public synchronized Optional<BaseModel> model(String name, String revision) {
    return Optional.ofNullable(models.get(name + "@" + revision));
  }

  private AdapterView view(Entry e) {
    Map<String, Integer> aliases = new TreeMap<>(e.aliases);
    if (!aliases.containsKey(STAGING)) {
      // Without an explicit staging alias it follows the newest version whose evaluation passed.
      for (int i = e.versions.size() - 1; i >= 0; i--) {
        Version v = e.versions.get(i);
        if (!v.archived && passed(v) && !Objects.equals(e.aliases.get(PRODUCTION), i + 1)) {
          aliases.put(STAGING, i + 1);
          break;
        }
      }
    }
    List<VersionView> versions = new ArrayList<>();
    for (Version v : e.versions) {
      int n = v.ref.version();
      List<String> names =
          aliases.entrySet().stream()
              .filter(a -> a.getValue() == n)
              .map(Map.Entry::getKey)
              .toList();
      Stage stage;
      if (v.archived) {
        stage = Stage.ARCHIVED;
      } else if (Objects.equals(aliases.get(PRODUCTION), n)) {
        stage = Stage.PRODUCTION;
      } else if (Objects.equals(aliases.get(STAGING), n) || passed(v)) {
        stage = Stage.STAGING;
      } else {
        stage = Stage.CANDIDATE;
      }
      PromotionRecord archive =
          v.promotions.stream().filter(p -> ARCHIVED.equals(p.alias())).findFirst().orElse(null);
      versions.add(
          new VersionView(
              v.ref,
              fineTunedModel(v),
              v.training,
              v.createdAt,
              evaluations.get(v.training.jobId()),
              stage,
              names,
              v.archived,
              archive == null ? null : archive.by(),
              archive == null ? null : archive.reason(),
              List.copyOf(v.promotions)));
    }
    return new AdapterView(
        e.team, e.name, List.copyOf(versions), Map.copyOf(aliases), Map.copyOf(e.aliases));
  }

  private boolean passed(Version v) {
    EvaluationCompleted ev = evaluations.get(v.training.jobId());
    return ev != null && ev.passed();
  }

  private static String fineTunedModel(Version v) {
    TrainingCompleted t = v.training;
    return FineTunedModelId.of(t.baseModel(), t.team(), t.suffix(), t.jobId());
  }

  /** The mutable state of one adapter name; touched only under the projection's lock. */
  private static final class Entry {
    final String team;
    final String name;
    final List<Version> versions = new ArrayList<>();
    final Map<String, Integer> aliases = new LinkedHashMap<>();

    Entry(String team, String name) {
      this.team = team;
      this.name = name;
    }
  }

  private static final class Version {
    final VersionRef ref;
    final TrainingCompleted training;
    final Instant createdAt;
    final List<PromotionRecord> promotions = new ArrayList<>();
    boolean archived;

    Version(VersionRef ref, TrainingCompleted training, Instant createdAt) {
      this.ref = ref;
      this.training = training;
      this.createdAt = createdAt;
    }
  }
}
