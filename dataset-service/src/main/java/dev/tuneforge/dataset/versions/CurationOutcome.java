package dev.tuneforge.dataset.versions;

import dev.tuneforge.artifact.ArtifactManifest;
import java.util.List;

/** What a curation request came to: a version (new, or the identical one already stored) or reasons. */
public record CurationOutcome(String name, String version, boolean created, ArtifactManifest manifest, List<String> reasons) {

  public static CurationOutcome stored(String name, String version, boolean created, ArtifactManifest manifest) {
    return new CurationOutcome(name, version, created, manifest, List.of());
  }

  public static CurationOutcome rejected(String name, List<String> reasons) {
    return new CurationOutcome(name, null, false, null, List.copyOf(reasons));
  }

  public boolean isRejected() {
    return version == null;
  }
}
