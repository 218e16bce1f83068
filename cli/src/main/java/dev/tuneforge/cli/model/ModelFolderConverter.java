package dev.tuneforge.cli.model;

import dev.tuneforge.llm.io.Folders;
import dev.tuneforge.cli.TuneForge;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/**
 * {@code --model} is a local folder or {@code s3://bucket/prefix/}: an S3 model is copied (sha256
 * checked against its manifest when it has one) into {@code <data>/cache/models/…} and loaded from
 * there, so the engine reads one kind of folder. The endpoint and keys are the services' own
 * (TUNEFORGE_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY), defaulting to the embedded stack.
 */
public final class ModelFolderConverter implements ITypeConverter<Path> {

  @Override
  public Path convert(String value) throws Exception {
    if (!value.startsWith("s3://")) {
      return Path.of(value);
    }
    String rest = value.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("--model " + value + ": expected s3://BUCKET/PREFIX/");
    }
    String bucket = rest.substring(0, slash);
    String prefix = rest.substring(slash + 1);
    if (prefix.contains("..")) {
      throw new IllegalArgumentException("--model " + value + ": '..' is not allowed in the prefix");
    }
    S3Settings settings = new S3Settings(
        setting("tuneforge.s3.endpoint", "TUNEFORGE_S3_ENDPOINT", "http://127.0.0.1:9000"),
        setting("tuneforge.s3.access-key", "TUNEFORGE_S3_ACCESS_KEY", "tuneforge"),
        setting("tuneforge.s3.secret-key", "TUNEFORGE_S3_SECRET_KEY", "tuneforge-secret"),
        bucket);
    Path cache = TuneForge.dataDir().resolve("cache/models").resolve(bucket).resolve(prefix.replaceAll("/+$", ""));
    Path tmp = Files.createDirectories(cache.getParent()).resolve(cache.getFileName() + ".download");
    try (ObjectStore store = ObjectStore.connect(settings)) {
      Folders.deleteRecursively(tmp);
      store.downloadFolder(prefix, tmp);
      Folders.deleteRecursively(cache);
      Files.move(tmp, cache);
    }
    return cache;
  }

  /** A system property (the config key), else the environment variable, else the embedded default. */
  private static String setting(String key, String env, String fallback) {
    String v = System.getProperty(key);
    if (v == null) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? fallback : v;
  }

}
