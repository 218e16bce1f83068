package dev.tuneforge.storage;

/** No object under the key (or no complete artifact under the prefix). */
public class ObjectNotFoundException extends StorageException {
  public ObjectNotFoundException(String uri) {
    super("not found: " + uri);
  }

  protected ObjectNotFoundException(String uri, String message) {
    super(message);
  }
}
