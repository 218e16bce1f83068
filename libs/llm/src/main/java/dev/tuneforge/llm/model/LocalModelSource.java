package dev.tuneforge.llm.model;

import dev.tuneforge.llm.io.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A model folder on the local file system. */
public final class LocalModelSource implements ModelSource {
  private final Path dir;

  public LocalModelSource(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model folder " + dir + " does not exist");
    }
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public List<String> listFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  @Override
  public Path resolve(String fileName) {
    Path p = dir.resolve(fileName).normalize();
    if (!p.startsWith(dir.normalize())) {
      throw new IllegalArgumentException("file name " + fileName + " escapes the model folder");
    }
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("model folder " + dir + " has no " + fileName);
    }
    Folders.requireRegularFile(p, fileName); // a FIFO or a link to /dev/zero, refused by name
    return p;
  }

  @Override
  public boolean exists(String fileName) {
    Path p = dir.resolve(fileName).normalize();
    return p.startsWith(dir.normalize()) && Files.isRegularFile(p);
  }

  @Override
  public String describe() {
    return dir.toString();
  }
}
