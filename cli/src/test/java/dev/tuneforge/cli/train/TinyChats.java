package dev.tuneforge.cli.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The eight-record chat dataset ("What is i plus 2?") the train command tests fine-tune on. */
final class TinyChats {
  private TinyChats() {}

  static void write(Path file) throws IOException {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      data.append("{\"messages\": [{\"role\": \"user\", \"content\": \"What is ")
          .append(i % 4)
          .append(" plus 2?\"}, {\"role\": \"assistant\", \"content\": \"")
          .append(i % 4 + 2)
          .append("\"}]}\n");
    }
    Files.writeString(file, data);
  }
}
