package dev.tuneforge.registry.adapters;

import dev.tuneforge.registry.state.VersionView;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list filter on one metric, {@code name>=0.5} ({@code >=}, {@code <=}, {@code >}, {@code <},
 * {@code =}): a version matches when its evaluation's metric (else its training metric) of that
 * name compares true; a version without the metric does not match.
 */
public record MetricFilter(String metric, String op, double value) {

  private static final Pattern SYNTAX =
      Pattern.compile(
          "([A-Za-z0-9_.-]+)\\s*(>=|<=|>|<|=)\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE]-?[0-9]+)?)");

  /** The filter, or empty when {@code raw} is not one (the caller reports the syntax). */
  public static Optional<MetricFilter> parse(String raw) {
    Matcher m = SYNTAX.matcher(raw == null ? "" : raw.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new MetricFilter(m.group(1), m.group(2), Double.parseDouble(m.group(3))));
  }

  public static final String SYNTAX_HELP =
      "metric must look like NAME>=VALUE (operators >=, <=, >, <, =), e.g. exact_match>=0.5";

  public boolean matches(VersionView v) {
    Map<String, Double> metrics =
        v.evaluation() != null ? v.evaluation().metrics() : v.training().metrics();
    Double x = metrics.get(metric);
    if (x == null) {
      return false;
    }
    return switch (op) {
      case ">=" -> x >= value;
      case "<=" -> x <= value;
      case ">" -> x > value;
      case "<" -> x < value;
      default -> x == value;
    };
  }
}
