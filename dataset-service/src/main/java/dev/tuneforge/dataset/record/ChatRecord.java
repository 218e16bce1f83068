package dev.tuneforge.dataset.record;

import java.util.List;

/**
 * One valid input record, normalised to chat turns.
 *
 * @param format the shape it was written in (kept for reporting; the output is always chat)
 * @param messages its turns in order, at least one of them from the assistant
 */
public record ChatRecord(DatasetFormat format, List<Message> messages) {

  public ChatRecord {
    messages = List.copyOf(messages);
  }

  public ChatRecord withMessages(List<Message> newMessages) {
    return new ChatRecord(format, newMessages);
  }
}
