package dev.tuneforge.llm.train.data;

import java.util.Arrays;

/**
 * Turns an {@link Example} into ids and labels: targets on completion and assistant tokens only
 * (everything with {@code train_on_inputs}), truncation at {@code sequence_len}.
 *
 * <p>Text: {@code encode(text, addSpecial=true)} + EOS, all targets. Prompt/completion: {@code
 * encode(prompt, true)} + {@code encode(completion, false)} + EOS, the prompt masked; tokenizing
 * the two parts separately makes the boundary exact. Chat: the segments of {@link ChatSpans}, each
 * {@code encode(segment, false)} (the template writes BOS itself, as HF's {@code
 * apply_chat_template} assumes), assistant segments as targets.
 */
public final class ExampleTokenizer {

  private final TokenEncoder encoder;
  private final TemplateRenderer template;
  private final TokenizationConfig config;

  /**
   * @param template may be null when no chat examples are used
   */
  public ExampleTokenizer(
      TokenEncoder encoder, TemplateRenderer template, TokenizationConfig config) {
    this.encoder = encoder;
    this.template = template;
    this.config = config;
  }

  public TokenizedExample tokenize(Example example) {
    Builder b = new Builder();
    if (example instanceof Example.Text t) {
      b.add(encoder.encode(t.text(), true), true);
      b.addEos(true);
    } else if (example instanceof Example.PromptCompletion pc) {
      b.add(encoder.encode(pc.prompt(), true), config.trainOnInputs());
      b.add(encoder.encode(pc.completion(), false), true);
      b.addEos(true);
    } else if (example instanceof Example.Chat chat) {
      if (template == null) {
        throw new IllegalStateException("chat examples need a chat template");
      }
      for (ChatSpans.Segment s : ChatSpans.split(chat.messages(), template)) {
        // weight 0 is an explicit "do not learn this turn": masked even with train_on_inputs
        boolean keep =
            s.kind() == ChatSpans.Kind.TARGET
                || (config.trainOnInputs() && s.kind() == ChatSpans.Kind.CONTEXT);
        b.add(encoder.encode(s.text(), false), keep);
      }
    }
    return b.build();
  }

  private final class Builder {
    private int[] ids = new int[64];
    private int[] labels = new int[64];
    private int n;
    private boolean truncated;

    void add(int[] tokens, boolean target) {
      for (int id : tokens) {
        if (n == config.sequenceLen()) {
          truncated = true;
          return;
        }
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, n * 2);
          labels = Arrays.copyOf(labels, n * 2);
        }
        ids[n] = id;
        labels[n] = target && n > 0 ? id : TokenizedExample.IGNORE;
        n++;
      }
    }

    void addEos(boolean target) {
      if (config.eosId() >= 0) {
        add(new int[] {config.eosId()}, target);
      }
    }

    TokenizedExample build() {
      return new TokenizedExample(Arrays.copyOf(ids, n), Arrays.copyOf(labels, n), truncated);
    }
  }
}
