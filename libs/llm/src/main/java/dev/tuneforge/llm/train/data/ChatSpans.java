package dev.tuneforge.llm.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a rendered conversation into consecutive text segments, each either a training target (an
 * assistant turn's content and its end-of-turn marker) or context, by rendering the template on
 * growing prefixes of the conversation.
 *
 * <p>How: for every message i, {@code render(messages[0..i], false)} must extend the previous
 * render; for an assistant message, {@code render(messages[0..i-1], true)} (the prefix plus the
 * generation prompt, e.g. {@code <|im_start|>assistant\n}) sits in between. The text from the
 * generation prompt to the end of the assistant render is the target span: exactly what the model
 * would have to produce after the generation prompt at inference, including the template's
 * end-of-turn text.
 *
 * <p>Limits: the template must be prefix-stable. Templates that render earlier turns differently
 * once later turns exist (e.g. dropping the reasoning of earlier assistant turns, or moving a
 * system prompt) are rejected with an error naming the message index rather than mislabelled. Each
 * segment is tokenized on its own, so a BPE merge across a segment boundary cannot happen;
 * boundaries fall on role markers, which are special tokens in the common templates, where this
 * matches tokenizing the whole text.
 */
final class ChatSpans {

  /** What a piece of text is: context, an assistant turn to learn, or one muted by weight 0. */
  enum Kind {
    CONTEXT,
    TARGET,
    MUTED
  }

  /** A piece of the rendered conversation. */
  record Segment(String text, Kind kind) {}

  private ChatSpans() {}

  static List<Segment> split(List<ChatTurn> messages, TemplateRenderer template) {
    List<Segment> segments = new ArrayList<>();
    String prev = "";
    for (int i = 0; i < messages.size(); i++) {
      ChatTurn turn = messages.get(i);
      String upTo = template.render(messages.subList(0, i + 1), false);
      if (turn.isAssistant()) {
        String prompt = template.render(messages.subList(0, i), true);
        requirePrefix(prev, prompt, i, "the generation prompt before it");
        requirePrefix(prompt, upTo, i, "its own render");
        add(segments, prompt.substring(prev.length()), Kind.CONTEXT);
        add(segments, upTo.substring(prompt.length()), turn.trained() ? Kind.TARGET : Kind.MUTED);
      } else {
        requirePrefix(prev, upTo, i, "its own render");
        add(segments, upTo.substring(prev.length()), Kind.CONTEXT);
      }
      prev = upTo;
    }
    return segments;
  }

  private static void add(List<Segment> segments, String text, Kind kind) {
    if (!text.isEmpty()) {
      segments.add(new Segment(text, kind));
    }
  }

  private static void requirePrefix(String prefix, String text, int index, String what) {
    if (!text.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "chat template is not prefix-stable at message "
              + index
              + ": the render of the messages before it is not a prefix of "
              + what
              + ", so assistant spans cannot be located");
    }
  }
}
