package dev.tuneforge.artifact;

/** A {@code manifest.json} that cannot be decoded; the message names its location and the field. */
public class InvalidManifestException extends RuntimeException {
  public InvalidManifestException(String source, String problem, Throwable cause) {
    super(source + ": invalid manifest: " + problem, cause);
  }
}
