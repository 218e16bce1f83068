package dev.tuneforge.llm.train.data;

import java.util.List;

/**
 * What batching needs from a chat template: render messages to the text the model sees. The
 * engine's {@code ChatTemplate} fits with a one-line adapter mapping {@link ChatTurn} to its {@code
 * ChatMessage(role, content)}.
 */
@FunctionalInterface
public interface TemplateRenderer {

  /**
   * @param addGenerationPrompt append the text that opens an assistant turn (HF's {@code
   *     add_generation_prompt})
   */
  String render(List<ChatTurn> messages, boolean addGenerationPrompt);
}
