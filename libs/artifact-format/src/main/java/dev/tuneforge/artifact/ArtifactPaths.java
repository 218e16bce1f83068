package dev.tuneforge.artifact;

/**
 * Rules for the relative paths a manifest lists. They become S3 keys under the artifact's prefix
 * and local file names under a destination folder, so anything that could leave that folder or
 * alias another file is refused: absolute paths, {@code .} and {@code ..} segments, empty segments,
 * backslashes and control characters.
 */
public final class ArtifactPaths {
  static final int MAX_LENGTH = 512;

  private ArtifactPaths() {}

  /** Returns {@code path}, or fails naming it and the offending part. */
  public static String requireRelative(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("file path is empty");
    }
    if (path.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "file path '"
              + path.substring(0, 40)
              + "…' is longer than "
              + MAX_LENGTH
              + " characters");
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException("file path '" + path + "' is absolute");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "file path '" + printable(path) + "' contains a forbidden character at index " + i);
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("file path '" + path + "' has an empty segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "file path '" + path + "' has a '" + segment + "' segment");
      }
    }
    return path;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
