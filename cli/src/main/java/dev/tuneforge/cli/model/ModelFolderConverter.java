package dev.tuneforge.cli.model;

import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Location;
import dev.tuneforge.storage.S3Settings;
import dev.tuneforge.storage.artifact.ArtifactStore;
import dev.tuneforge.storage.artifact.BlobCache;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/**
 * {@code --model} is a local folder or {@code s3://BUCKET/PREFIX/}: an S3 model is a model artifact
 * (published with {@code tuneforge model publish}), fetched by the artifact layer with its manifest
 * and every file's sha256 checked into {@code <data>/cache/models/BUCKET/PREFIX/}, with its files
 * kept by sha256 in {@code <data>/cache/blobs/} so a second fetch downloads nothing. The endpoint
 * and keys are the services' own (TUNEFORGE_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY), defaulting to
 * the embedded stack.
 */
public final class ModelFolderConverter implements ITypeConverter<Path> {

  @Override
  public Path convert(String value) {
    if (!value.startsWith("s3://")) {
      return Path.of(value);
    }
    S3Location location;
    try {
      location = S3Location.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + e.getMessage(), e);
    }
    Path cache = TuneForge.dataDir().resolve("cache");
    Path dest = cache.resolve("models").resolve(location.bucket()).resolve(location.prefix());
    try (ObjectStore store = ObjectStore.connect(S3Settings.fromEnvironment(location.bucket()))) {
      new ArtifactStore(store, new BlobCache(cache.resolve("blobs")))
          .fetch(location.prefix(), dest);
    }
    return dest;
  }
}
