package dev.tuneforge.evaluator.run;

import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.metrics.Metrics;
import dev.tuneforge.evaluator.metrics.Nll;
import dev.tuneforge.evaluator.metrics.RougeL;
import dev.tuneforge.evaluator.metrics.TokenF1;
import dev.tuneforge.evaluator.report.Comparison;
import dev.tuneforge.evaluator.report.EvaluationReport;
import dev.tuneforge.evaluator.suite.Grade;
import dev.tuneforge.evaluator.suite.SuiteCase;
import dev.tuneforge.llm.eval.ExactMatch;
import dev.tuneforge.llm.eval.GreedyCompletions;
import dev.tuneforge.llm.generate.Generation;
import dev.tuneforge.llm.template.ChatMessage;
import dev.tuneforge.llm.train.data.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one loaded model: teacher-forced loss on the validation split and the retention corpus,
 * greedy completions of every validation prompt (scored by exact match, token F1 and ROUGE-L) and
 * of every suite case (graded). Deterministic: the same model and inputs give the same figures. The
 * engine does all tensor work; this class only arranges it.
 */
public final class ModelEvaluator {
  private final EvaluationSettings settings;

  public ModelEvaluator(EvaluationSettings settings) {
    this.settings = settings;
  }

  /**
   * Evaluates base and tuned on the same inputs and gates the tuned one under the defaults, the
   * suite's thresholds and then {@code jobGate} (null for none). A caller that caches the base
   * model's evaluation uses {@link #evaluate} and {@link Comparison#compare} directly.
   */
  public EvaluationReport compare(
      EvalModel base, EvalModel tuned, EvaluationInputs in, GatePolicy jobGate) {
    return Comparison.compare(
        evaluate(base, in),
        evaluate(tuned, in),
        in.suite(),
        Comparison.effectivePolicy(in.suite(), jobGate));
  }

  public ModelEvaluation evaluate(EvalModel m, EvaluationInputs in) {
    return evaluate(m, in, (part, done, total) -> {});
  }

  /** As {@link #evaluate(EvalModel, EvaluationInputs)}, reporting completions as they are made. */
  public ModelEvaluation evaluate(EvalModel m, EvaluationInputs in, CompletionProgress progress) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    GreedyCompletions completions =
        new GreedyCompletions(
            m.model(), m.tokenizer(), m.template(), settings.maxNewTokens(), settings.batchSize());

    List<SampleOutcome> samples = new ArrayList<>();
    if (!in.validation().isEmpty()) {
      Nll loss = LossScorer.score(m, in.validation().stream().map(ValidationRecord::chat).toList());
      if (loss.tokens() > 0) {
        metrics.put(Metrics.VALIDATION_LOSS, loss.loss());
        metrics.put(Metrics.PERPLEXITY, loss.perplexity());
      }
      int total = in.validation().size();
      List<Generation> out =
          completions.complete(
              in.validation().stream().map(ValidationRecord::prompt).toList(),
              done -> progress.completed("validation", done, total));
      double em = 0;
      double f1 = 0;
      double rouge = 0;
      double tokens = 0;
      for (int i = 0; i < out.size(); i++) {
        ValidationRecord r = in.validation().get(i);
        Generation g = out.get(i);
        SampleOutcome s =
            new SampleOutcome(
                r.line(),
                SuiteCase.display(r.prompt()),
                r.reference(),
                g.text(),
                ExactMatch.matches(g.text(), r.reference()),
                TokenF1.score(g.text(), r.reference()),
                RougeL.fmeasure(g.text(), r.reference()),
                g.tokens().length);
        samples.add(s);
        em += s.exactMatch() ? 1 : 0;
        f1 += s.tokenF1();
        rouge += s.rougeL();
        tokens += s.generatedTokens();
      }
      int n = out.size();
      metrics.put(Metrics.EXACT_MATCH, em / n);
      metrics.put(Metrics.TOKEN_F1, f1 / n);
      metrics.put(Metrics.ROUGE_L, rouge / n);
      metrics.put(Metrics.MEAN_GENERATED_TOKENS, tokens / n);
    }

    if (in.retention() != null) {
      Nll retention =
          LossScorer.score(m, in.retention().texts().stream().map(Example.Text::new).toList());
      metrics.put(Metrics.RETENTION_LOSS, retention.loss());
    }

    List<CaseOutcome> cases = new ArrayList<>();
    if (in.suite() != null) {
      List<SuiteCase> suiteCases = in.suite().cases();
      List<List<ChatMessage>> prompts = suiteCases.stream().map(SuiteCase::messages).toList();
      List<Generation> out =
          completions.complete(
              prompts, done -> progress.completed("suite", done, suiteCases.size()));
      int passed = 0;
      for (int i = 0; i < suiteCases.size(); i++) {
        SuiteCase c = suiteCases.get(i);
        Grade g = c.grade(out.get(i).text());
        cases.add(
            new CaseOutcome(
                c.id(),
                c.input(),
                c.expect().describe(),
                out.get(i).text(),
                g.pass(),
                g.detail(),
                c.tags()));
        passed += g.pass() ? 1 : 0;
      }
      metrics.put(Metrics.SUITE_PASS_RATE, (double) passed / suiteCases.size());
    }
    return new ModelEvaluation(new Metrics(metrics), samples, cases);
  }
}
