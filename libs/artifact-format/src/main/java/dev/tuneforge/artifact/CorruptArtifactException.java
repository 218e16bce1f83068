package dev.tuneforge.artifact;

/**
 * An artifact whose bytes are not what its manifest lists: a file missing, of another size or with
 * another sha256 (or, for a local folder, no manifest at all). {@link #file()} names the file.
 */
public class CorruptArtifactException extends RuntimeException {
  private final String file;

  public CorruptArtifactException(String file, String message) {
    super(message);
    this.file = file;
  }

  /** The offending file's path relative to the artifact folder. */
  public String file() {
    return file;
  }
}
