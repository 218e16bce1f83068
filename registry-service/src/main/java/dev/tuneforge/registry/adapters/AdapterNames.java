package dev.tuneforge.registry.adapters;

import dev.tuneforge.events.TrainingCompleted;
import java.util.Locale;

/**
 * The name a finished job is registered under: its suffix, else its dataset's name, else its base
 * model's; made a safe key segment (letters, digits, '.', '_', '-'; at most 64 characters).
 */
public final class AdapterNames {
  private AdapterNames() {}

  public static String of(TrainingCompleted t) {
    String raw =
        t.suffix() != null && !t.suffix().isBlank()
            ? t.suffix()
            : t.datasetName() != null && !t.datasetName().isBlank()
                ? t.datasetName()
                : t.baseModel().substring(t.baseModel().lastIndexOf('/') + 1);
    String safe =
        raw.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9._-]", "-")
            .replaceAll("^[^a-z0-9]+", "")
            .replaceAll("-{2,}", "-");
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    return safe.isEmpty() ? "model" : safe;
  }

  /** Whether {@code name} could be a registered name (checked before any lookup). */
  public static boolean isValid(String name) {
    return name != null && name.matches("[a-z0-9][a-z0-9._-]{0,63}");
  }
}
