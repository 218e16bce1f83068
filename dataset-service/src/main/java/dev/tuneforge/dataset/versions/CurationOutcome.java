package dev.tuneforge.dataset.versions;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.platform.api.FieldError;
import java.util.List;

/**
 * What a curation request came to: a version (new, or the identical one already stored) or the
 * reasons it was rejected, each naming its field ({@code training_files}, {@code options.pii}, …).
 */
public record CurationOutcome(
    String team,
    String name,
    String version,
    boolean created,
    ArtifactManifest manifest,
    List<FieldError> reasons) {

  public static CurationOutcome stored(
      String team, String name, String version, boolean created, ArtifactManifest manifest) {
    return new CurationOutcome(team, name, version, created, manifest, List.of());
  }

  public static CurationOutcome rejected(String team, String name, List<FieldError> reasons) {
    return new CurationOutcome(team, name, null, false, null, List.copyOf(reasons));
  }

  public boolean isRejected() {
    return version == null;
  }
}
