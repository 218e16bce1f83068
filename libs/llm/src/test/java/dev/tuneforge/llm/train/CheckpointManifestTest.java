package dev.tuneforge.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.artifact.ManifestEntry;
import dev.tuneforge.llm.safetensors.FloatTensor;
import dev.tuneforge.llm.train.optim.AdamWState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's manifest is the platform's one artifact manifest, so the object store can publish
 * it as is.
 */
class CheckpointManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  private Path write(long step) {
    float[] w = {1f, 2f, 3f, 4f};
    return Checkpoints.write(
        out,
        step,
        Map.of("lora_A", new FloatTensor(new long[] {2, 2}, w)),
        new AdamWState(step, Map.of("lora_A", new float[4]), Map.of("lora_A", new float[4])),
        JSON.createObjectNode().put("lr", 1e-3),
        JSON.createObjectNode().put("global_step", step),
        JSON.createObjectNode().put("job", "test"));
  }

  @Test
  void checkpointCarriesTheArtifactManifest() throws Exception {
    Path dir = write(3);
    ArtifactManifest m = LocalArtifacts.verify(dir);
    assertEquals(ArtifactKind.CHECKPOINT, m.kind());
    assertEquals(3, m.metadata("step").asLong());
    assertEquals(
        List.of(
            Checkpoints.JOB,
            Checkpoints.OPTIMIZER_JSON,
            Checkpoints.OPTIMIZER,
            Checkpoints.TRAINABLE,
            Checkpoints.TRAINER_STATE),
        m.files().stream().map(ManifestEntry::path).toList());
    assertEquals(
        Files.size(dir.resolve(Checkpoints.TRAINABLE)),
        m.file(Checkpoints.TRAINABLE).orElseThrow().bytes());
    assertEquals(dir, Checkpoints.latest(out).latest().orElseThrow());
  }

  @Test
  void checkpointMissingAListedFileIsRejectedNamingIt() throws Exception {
    write(2);
    Path dir = write(4);
    Files.delete(dir.resolve(Checkpoints.JOB));
    Checkpoints.Scan scan = Checkpoints.latest(out);
    assertEquals(out.resolve(Checkpoints.DIR).resolve("step-2"), scan.latest().orElseThrow());
    assertTrue(
        scan.rejected().get(0).contains("step-4")
            && scan.rejected().get(0).contains(Checkpoints.JOB),
        scan.rejected().get(0));
  }

  @Test
  void manifestOfAnotherKindIsNotACheckpoint() throws Exception {
    Path dir = write(5);
    LocalArtifacts.writeManifest(dir, LocalArtifacts.describe(dir, ArtifactKind.ADAPTER, Map.of()));
    Checkpoints.Scan scan = Checkpoints.latest(out);
    assertTrue(scan.latest().isEmpty());
    assertTrue(scan.rejected().get(0).contains("adapter"), scan.rejected().get(0));
  }
}
