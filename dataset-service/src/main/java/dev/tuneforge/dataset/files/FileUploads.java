package dev.tuneforge.dataset.files;

import dev.tuneforge.dataset.validation.JsonlValidator;
import dev.tuneforge.dataset.validation.ValidationOptions;
import dev.tuneforge.dataset.validation.ValidationResult;
import dev.tuneforge.storage.ObjectStore;
import dev.tuneforge.storage.StoredObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Accepts one upload: validates it line by line (streaming, bounded memory), streams it to the
 * bucket, then records the file object. The HTTP layer has spooled the multipart body to local
 * disk, so both passes read a local file and no upload is ever held in memory.
 */
@ApplicationScoped
public class FileUploads {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  @Inject ObjectStore store;
  @Inject FileStore files;

  @ConfigProperty(name = "tuneforge.files.max-line-bytes", defaultValue = "4194304")
  int maxLineBytes;

  public FileObject accept(Path upload, String filename, String purpose, String team)
      throws IOException {
    ValidationResult verdict;
    try (InputStream in = Files.newInputStream(upload)) {
      verdict =
          new JsonlValidator(
                  new ValidationOptions(maxLineBytes, ValidationOptions.DEFAULT_MAX_ERRORS))
              .validate(in);
    }
    String id = newId();
    StoredObject stored = store.putFile(FileStore.contentKey(id), upload);
    FileObject file =
        new FileObject(
            id,
            "file",
            stored.size(),
            Instant.now().getEpochSecond(),
            filename,
            purpose,
            team,
            verdict.ok() ? "processed" : "error",
            details(verdict),
            stored.sha256(),
            validation(verdict));
    files.save(file);
    return file;
  }

  static String newId() {
    StringBuilder sb = new StringBuilder("file-");
    for (int i = 0; i < 24; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  private static String details(ValidationResult v) {
    if (v.ok()) {
      return null;
    }
    String counts =
        v.errorCounts().entrySet().stream()
            .map(e -> e.getKey().name().toLowerCase() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
    String first =
        v.firstErrors().stream().limit(3).map(Object::toString).collect(Collectors.joining("; "));
    return v.errorCount() + " error(s) (" + counts + "): " + first;
  }

  private static FileObject.Validation validation(ValidationResult v) {
    Map<String, Long> counts = new LinkedHashMap<>();
    v.errorCounts().forEach((k, n) -> counts.put(k.name().toLowerCase(), n));
    return new FileObject.Validation(
        v.format() == null ? null : v.format().name().toLowerCase(),
        v.lines(),
        v.validRecords(),
        counts,
        v.firstErrors().stream()
            .map(
                e -> new FileObject.LineError(e.line(), e.kind().name().toLowerCase(), e.message()))
            .toList());
  }
}
