package dev.tuneforge.llm.tokenizer;

/** A tokenizer could not be loaded; the message names the file and, where known, the field. */
public class TokenizerException extends RuntimeException {

  public TokenizerException(String message) {
    super(message);
  }

  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
