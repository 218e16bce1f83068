package dev.tuneforge.registry.exports;

import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.ManifestCodec;
import dev.tuneforge.registry.state.VersionRef;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The complete exports of a version, read from the bucket (for lineage). */
@ApplicationScoped
public class Exports {

  @Inject ArtifactStore artifacts;

  public List<Map<String, Object>> completed(VersionRef ref) {
    String folder =
        BucketLayout.registryVersion(ref.team(), ref.name(), ref.version()) + "exports/";
    List<Map<String, Object>> out = new ArrayList<>();
    for (String id : artifacts.objects().listChildren(folder)) {
      Optional<ArtifactManifest> m = artifacts.find(folder + id + "/");
      if (m.isPresent()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("uri", artifacts.objects().uri(folder + id + "/"));
        e.put("sha256", ManifestCodec.sha256(m.get()));
        out.add(e);
      }
    }
    return out;
  }
}
