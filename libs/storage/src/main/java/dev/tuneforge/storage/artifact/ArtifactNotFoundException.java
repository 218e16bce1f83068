package dev.tuneforge.storage.artifact;

import dev.tuneforge.storage.ObjectNotFoundException;

/** No manifest under the prefix: the artifact does not exist, or is still being written. */
public class ArtifactNotFoundException extends ObjectNotFoundException {
  public ArtifactNotFoundException(String uri) {
    super(uri, "no artifact at " + uri + " (no manifest.json: absent, or still being written)");
  }
}
