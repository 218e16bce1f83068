package dev.tuneforge.dataset.curation.pii;

/**
 * The kinds of personal data and secrets curation finds, each with the placeholder that replaces
 * it.
 */
public enum PiiKind {
  PRIVATE_KEY("[PRIVATE_KEY]"),
  SECRET("[SECRET]"),
  EMAIL("[EMAIL]"),
  CREDIT_CARD("[CREDIT_CARD]"),
  IPV6("[IP_ADDRESS]"),
  IPV4("[IP_ADDRESS]"),
  PHONE("[PHONE]");

  private final String placeholder;

  PiiKind(String placeholder) {
    this.placeholder = placeholder;
  }

  public String placeholder() {
    return placeholder;
  }
}
