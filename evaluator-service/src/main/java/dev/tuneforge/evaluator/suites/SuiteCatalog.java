package dev.tuneforge.evaluator.suites;

import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.evaluator.suite.Suite;
import dev.tuneforge.evaluator.suite.SuiteParser;
import dev.tuneforge.events.EvaluationSuiteCreated;
import dev.tuneforge.events.EventEnvelope;
import dev.tuneforge.platform.KafkaViews;
import dev.tuneforge.platform.view.KafkaView;
import dev.tuneforge.platform.view.RecordPosition;
import dev.tuneforge.platform.view.ViewProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Regression suites by team and name, every version kept in the order stored. The suites topic is
 * the store: each {@code EvaluationSuiteCreated} is one version, and this catalog is that topic
 * read from the beginning at start-up, so it is the same after a restart.
 */
@ApplicationScoped
public class SuiteCatalog implements ViewProjection {

  public static final String VIEW = "evaluation-suites";

  @Inject KafkaViews views;

  @ConfigProperty(name = "tuneforge.evaluator.suites-topic")
  String topic;

  /** team → name → versions, oldest first. */
  private final Map<String, Map<String, List<StoredSuite>>> suites = new ConcurrentHashMap<>();

  private volatile KafkaView view;

  void start(@Observes StartupEvent event) {
    view = views.start(VIEW, List.of(topic), this);
  }

  public KafkaView view() {
    return view;
  }

  @Override
  public void apply(EventEnvelope event, RecordPosition position) {
    if (!(event.payload() instanceof EvaluationSuiteCreated c)) {
      return;
    }
    Parsed<Suite> parsed = SuiteParser.parse(c.canonicalJson());
    if (!parsed.ok()) {
      // Only valid suites are published; a record that no longer parses goes to the dead letters.
      throw new IllegalArgumentException(
          "stored suite " + c.name() + "@" + c.version() + " does not parse: " + parsed.errors());
    }
    List<StoredSuite> versions =
        suites
            .computeIfAbsent(c.team(), t -> new ConcurrentHashMap<>())
            .computeIfAbsent(c.name(), n -> new CopyOnWriteArrayList<>());
    if (versions.stream().noneMatch(s -> s.version().equals(c.version()))) {
      versions.add(new StoredSuite(c.team(), parsed.value(), c.createdAt()));
    }
  }

  /** The versions of {@code team}'s suite {@code name}, oldest first (empty when none). */
  public List<StoredSuite> versions(String team, String name) {
    return List.copyOf(suites.getOrDefault(team, Map.of()).getOrDefault(name, List.of()));
  }

  /** The names of {@code team}'s suites, sorted. */
  public List<String> names(String team) {
    List<String> names = new ArrayList<>(suites.getOrDefault(team, Map.of()).keySet());
    names.sort(String::compareTo);
    return names;
  }

  /**
   * {@code name} (its latest version) or {@code name@version} of {@code team}'s suites; empty when
   * either is unknown.
   */
  public Optional<StoredSuite> resolve(String team, String ref) {
    int at = ref.indexOf('@');
    String name = at < 0 ? ref : ref.substring(0, at);
    List<StoredSuite> versions = versions(team, name);
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    if (at < 0) {
      return Optional.of(versions.get(versions.size() - 1));
    }
    String version = ref.substring(at + 1);
    return versions.stream().filter(s -> s.version().equals(version)).findFirst();
  }
}
