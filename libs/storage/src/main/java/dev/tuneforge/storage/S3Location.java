package dev.tuneforge.storage;

/**
 * An {@code s3://BUCKET/PREFIX/} address of an artifact folder, as users type it ({@code --model}).
 * The prefix always ends with '/', and it may not contain empty, {@code .} or {@code ..} segments.
 */
public record S3Location(String bucket, String prefix) {

  public static S3Location parse(String uri) {
    if (uri == null || !uri.startsWith("s3://")) {
      throw new IllegalArgumentException(
          "'" + uri + "' is not an s3:// address (expected s3://BUCKET/PREFIX/)");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("'" + uri + "': expected s3://BUCKET/PREFIX/");
    }
    String bucket = rest.substring(0, slash);
    String prefix = rest.substring(slash + 1);
    if (!prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    String[] segments = prefix.substring(0, prefix.length() - 1).split("/", -1);
    for (String s : segments) {
      if (s.isEmpty() || s.equals(".") || s.equals("..")) {
        throw new IllegalArgumentException(
            "'"
                + uri
                + "': the prefix has "
                + (s.isEmpty() ? "an empty" : "a '" + s + "'")
                + " segment");
      }
    }
    return new S3Location(bucket, prefix);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
