package dev.tuneforge.llm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Folder and file helpers shared by checkpoints, merges and model caches, and the one gate every
 * model, adapter and data file passes before the engine opens it.
 */
public final class Folders {
  /** JSON and text files of a model folder (configs, templates, indexes) are read whole. */
  public static final long MAX_TEXT_FILE = 64L << 20;

  private Folders() {}

  /**
   * Refuses anything but a regular file, by name: a FIFO blocks a reader for ever, a device such as
   * {@code /dev/zero} never ends, a directory is a mistake. Symlinks are followed (the HF cache
   * links snapshot files to blobs), so a link to {@code /dev/zero} is refused as the device it is.
   *
   * @param what what the file is for the error ("adapter_config.json", "training data")
   * @return the size of the file in bytes
   */
  public static long requireRegularFile(Path file, String what) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e);
    }
    if (!attrs.isRegularFile()) {
      String kind =
          attrs.isDirectory()
              ? "a directory"
              : attrs.isSymbolicLink() ? "a dangling link" : "a FIFO, socket or device";
      throw new IllegalArgumentException(
          what + " " + file + " is not a regular file (it is " + kind + "): refused");
    }
    return attrs.size();
  }

  /**
   * Reads a small text file (UTF-8) after {@link #requireRegularFile}, refusing one over {@code
   * maxBytes} before reading it.
   */
  public static String readText(Path file, String what, long maxBytes) {
    long size = requireRegularFile(file, what);
    if (size > maxBytes) {
      throw new IllegalArgumentException(
          what + " " + file + " is " + size + " bytes, over the" + " limit of " + maxBytes);
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > maxBytes) { // grew since the check
        throw new IllegalArgumentException(
            what + " " + file + " is over the limit of " + maxBytes + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " " + file, e);
    }
  }

  /** {@link #readText(Path, String, long)} with {@link #MAX_TEXT_FILE}. */
  public static String readText(Path file, String what) {
    return readText(file, what, MAX_TEXT_FILE);
  }
}
