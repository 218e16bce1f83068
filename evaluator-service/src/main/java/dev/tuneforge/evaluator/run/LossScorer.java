package dev.tuneforge.evaluator.run;

import dev.tuneforge.evaluator.metrics.Nll;
import dev.tuneforge.llm.model.NoGrad;
import dev.tuneforge.llm.score.Scorer;
import dev.tuneforge.llm.train.data.EngineAdapters;
import dev.tuneforge.llm.train.data.Example;
import dev.tuneforge.llm.train.data.ExampleTokenizer;
import dev.tuneforge.llm.train.data.TokenizationConfig;
import dev.tuneforge.llm.train.data.TokenizedExample;
import java.util.List;

/**
 * Token-weighted NLL of examples under a model, with the trainer's own tokenization: chats score
 * their assistant turns only, text scores every token plus the closing EOS, examples longer than
 * the model's context are cut as in training. So a validation loss here is the trainer's validation
 * loss on the same records.
 */
final class LossScorer {
  private LossScorer() {}

  static Nll score(EvalModel m, List<? extends Example> examples) {
    int eos = m.tokenizer().eosIds().length > 0 ? m.tokenizer().eosIds()[0] : -1;
    int context = m.model().config().maxPositionEmbeddings();
    ExampleTokenizer tokenizer =
        new ExampleTokenizer(
            EngineAdapters.encoder(m.tokenizer()),
            EngineAdapters.renderer(m.template()),
            new TokenizationConfig(context, false, eos));
    Nll nll = new Nll();
    try (NoGrad noGrad = NoGrad.enter()) {
      for (Example e : examples) {
        TokenizedExample t = tokenizer.tokenize(e);
        float[] logprobs =
            Scorer.logprobs(m.model(), t.inputIds()); // logprobs[i] = log p(ids[i+1] | ids[..i])
        double sum = 0;
        int count = 0;
        for (int pos = 1; pos < t.length(); pos++) {
          if (t.labels()[pos] != TokenizedExample.IGNORE) {
            sum -= logprobs[pos - 1];
            count++;
          }
        }
        nll.add(sum, count);
      }
    }
    return nll;
  }
}
