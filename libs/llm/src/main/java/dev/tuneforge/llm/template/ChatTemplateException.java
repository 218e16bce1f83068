package dev.tuneforge.llm.template;

/**
 * A chat template could not be loaded or rendered. When the template itself called {@code
 * raise_exception(message)} (e.g. Mistral's "Conversation roles must alternate ..."), {@link
 * #getMessage()} is exactly that message and {@link #raisedByTemplate()} is true.
 */
public class ChatTemplateException extends RuntimeException {

  private final boolean raisedByTemplate;

  public ChatTemplateException(String message) {
    this(message, false, null);
  }

  public ChatTemplateException(String message, Throwable cause) {
    this(message, false, cause);
  }

  ChatTemplateException(String message, boolean raisedByTemplate, Throwable cause) {
    super(message, cause);
    this.raisedByTemplate = raisedByTemplate;
  }

  /** True when the message comes from the template's {@code raise_exception(...)}. */
  public boolean raisedByTemplate() {
    return raisedByTemplate;
  }
}
