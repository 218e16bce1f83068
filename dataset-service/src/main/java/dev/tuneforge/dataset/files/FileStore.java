package dev.tuneforge.dataset.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.ObjectNotFoundException;
import dev.tuneforge.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files in the bucket: {@code files/<id>/content} holds the bytes, {@code files/<id>/file.json} the
 * {@link FileObject}. The JSON is written after the content and deleted before it, so a file is
 * listed only while it is complete.
 */
@ApplicationScoped
public class FileStore {

  /**
   * Ids are generated here; anything else in a path (dots, slashes) is refused before S3 sees it.
   */
  static final Pattern ID = Pattern.compile("file-[a-z0-9]{24}");

  @Inject ObjectStore store;
  @Inject ObjectMapper json;

  static String contentKey(String id) {
    return BucketLayout.fileContent(id);
  }

  static String objectKey(String id) {
    return BucketLayout.fileRecord(id);
  }

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public void save(FileObject file) {
    try {
      store.putBytes(objectKey(file.id()), json.writeValueAsBytes(file), "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The file {@code id} if it exists and belongs to {@code team}; another team's file is absent.
   */
  public Optional<FileObject> find(String team, String id) {
    return find(id).filter(f -> team.equals(f.team()));
  }

  private Optional<FileObject> find(String id) {
    if (!isValidId(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(store.getBytes(objectKey(id)), FileObject.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every complete file of {@code team}, newest first. */
  public List<FileObject> list(String team) {
    List<FileObject> files = new ArrayList<>();
    for (String key : store.list(BucketLayout.FILES)) {
      if (key.endsWith("/" + BucketLayout.FILE_RECORD)) {
        String id =
            key.substring(
                BucketLayout.FILES.length(),
                key.length() - ("/" + BucketLayout.FILE_RECORD).length());
        find(team, id).ifPresent(files::add);
      }
    }
    files.sort(
        Comparator.comparingLong(FileObject::createdAt).reversed().thenComparing(FileObject::id));
    return files;
  }

  public InputStream openContent(String id) {
    return store.get(contentKey(id));
  }

  public void delete(String id) {
    store.delete(objectKey(id)); // invisible first, then the bytes
    store.delete(contentKey(id));
  }
}
