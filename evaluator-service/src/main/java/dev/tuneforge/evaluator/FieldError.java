package dev.tuneforge.evaluator;

/**
 * One thing wrong with a client's input, named by its path ({@code cases[2].expect.value}, in
 * OpenAI's {@code param} style) so the REST layer can answer 400 with it unchanged.
 */
public record FieldError(String param, String message) {
  @Override
  public String toString() {
    return param + ": " + message;
  }
}
