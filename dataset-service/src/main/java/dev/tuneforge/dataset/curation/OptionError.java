package dev.tuneforge.dataset.curation;

/**
 * One invalid curation option, named by its JSON field ({@code validation_ratio}, {@code
 * blocklist_patterns[2]}).
 */
public record OptionError(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
