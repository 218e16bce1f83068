package dev.tuneforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.artifact.Sha256;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Fetches the files of a registry download or export answer ({@code files: [{path, sha256, bytes,
 * url}]}) from their presigned URLs into a folder. Each file lands under a temporary name and is
 * moved into place only when its size and sha256 match; a path leaving the folder is refused.
 */
public final class Downloads {
  private Downloads() {}

  /** Downloads every file; returns how many bytes were written. */
  public static long fetch(JsonNode files, Path dir, PrintWriter out) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    long total = 0;
    for (JsonNode f : files) {
      String path = f.path("path").asText();
      Path target = root.resolve(path).normalize();
      if (path.isEmpty() || !target.startsWith(root) || target.equals(root)) {
        throw new ApiError("the server named a file outside the download folder: '" + path + "'");
      }
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".part");
      HttpResponse<Path> r;
      try {
        r =
            http.send(
                HttpRequest.newBuilder(URI.create(f.path("url").asText()))
                    .timeout(Duration.ofHours(1))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiError("interrupted");
      }
      if (r.statusCode() != 200) {
        Files.deleteIfExists(tmp);
        throw new ApiError(path + ": download answered " + r.statusCode());
      }
      long bytes = Files.size(tmp);
      String sha = Sha256.of(tmp);
      if (f.has("bytes") && bytes != f.get("bytes").asLong()
          || f.hasNonNull("sha256") && !sha.equals(f.get("sha256").asText())) {
        Files.deleteIfExists(tmp);
        throw new ApiError(
            path
                + ": downloaded "
                + bytes
                + " bytes with sha256 "
                + sha
                + ", expected "
                + f.path("bytes").asText()
                + " bytes with sha256 "
                + f.path("sha256").asText());
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      out.printf("  %s  %d bytes  sha256 %s ok%n", path, bytes, sha.substring(0, 12));
      out.flush();
      total += bytes;
    }
    return total;
  }
}
