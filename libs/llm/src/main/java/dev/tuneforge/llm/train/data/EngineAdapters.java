package dev.tuneforge.llm.train.data;

import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;

/** The engine's tokenizer and chat template as the small interfaces batching is written against. */
public final class EngineAdapters {

  private EngineAdapters() {}

  public static TokenEncoder encoder(Tokenizer tokenizer) {
    return tokenizer::encode;
  }

  /** Drops {@link ChatTurn#weight()}: it steers labels, the template never sees it. */
  public static TemplateRenderer renderer(ChatTemplate template) {
    return (turns, gen) ->
        template.render(
            turns.stream().map(t -> new ChatMessage(t.role(), t.content())).toList(), gen);
  }
}
