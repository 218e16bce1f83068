package dev.tuneforge.evaluator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.gate.GateReason;
import dev.tuneforge.evaluator.metrics.Metrics;
import dev.tuneforge.evaluator.report.CaseRow;
import dev.tuneforge.evaluator.report.Comparison;
import dev.tuneforge.evaluator.report.EvaluationReport;
import dev.tuneforge.evaluator.report.ReportJson;
import dev.tuneforge.evaluator.suite.Suite;
import dev.tuneforge.evaluator.suite.SuiteParser;
import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.model.LocalModelSource;
import dev.tuneforge.llm.model.ModelLoader;
import dev.tuneforge.llm.peft.AdapterLoader;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation runner on a real tiny model: the demo base model, and a LoRA adapter trained on a
 * task the base cannot do (see {@link TinyTuning}). Base and tuned are evaluated once on the task's
 * validation split, the base model's own retention slice and a suite; each test reads the report
 * the gate makes of them under its own thresholds.
 */
class ModelEvaluatorTest {
  static final EvaluationSettings SETTINGS = new EvaluationSettings(8, 4);
  static final String SUITE =
      """
      name: doubles
      cases:
        - id: double-four
          prompt: Double of four
          expect: {type: exact, value: eight}
        - id: double-ten-short
          prompt: Double of ten
          expect: {type: max_length, value: 60}
        - id: double-two-not-nine
          prompt: Double of two
          expect: {type: not_contains, value: nine}
      """;
  static final String SUITE_WITH_BAD_CASES =
      SUITE
          + """
        - id: impossible
          prompt: Double of four
          expect: {type: exact, value: nine}
        - id: four-not-eight
          prompt: Double of four
          expect: {type: not_contains, value: eight}
      """;

  @TempDir static Path dir;
  static Path base;
  static Path adapter;
  static EvaluationInputs inputs;
  static EvaluationInputs badInputs;
  static ModelEvaluation baseEval;
  static ModelEvaluation tunedEval;
  static ModelEvaluation baseBad;
  static ModelEvaluation tunedBad;

  @BeforeAll
  static void evaluateBaseAndTuned() throws Exception {
    base = TinyTuning.baseModel(dir);
    adapter = TinyTuning.adapter(dir, base, 150, 0.005);
    List<ValidationRecord> validation =
        ValidationSplit.parse("validation.jsonl", TinyTuning.chats());
    RetentionCorpus retention = RetentionCorpus.forBaseModel(base).orElseThrow();
    inputs = new EvaluationInputs(validation, retention, suite(SUITE));
    badInputs = new EvaluationInputs(validation, retention, suite(SUITE_WITH_BAD_CASES));
    baseEval = evaluateBase(inputs);
    baseBad = evaluateBase(badInputs);
    tunedEval = evaluateTuned(inputs);
    tunedBad = evaluateTuned(badInputs);
    System.out.printf(
        Locale.ROOT,
        "base:  %s%ntuned: %s%n",
        baseEval.metrics().values(),
        tunedEval.metrics().values());
    for (int i = 0; i < tunedEval.samples().size(); i++) {
      System.out.printf(
          "  %-20s base %-24s tuned %s%n",
          tunedEval.samples().get(i).input(),
          "'" + baseEval.samples().get(i).output() + "'",
          "'" + tunedEval.samples().get(i).output() + "'");
    }
  }

  /**
   * This toy adapter (all linear layers, trained hard on a 64-wide model) raises the retention loss
   * by a few nats; the job here allows it, the forgetting test below holds the same run to less.
   */
  static final double GENEROUS_FORGETTING = 10.0;

  @Test
  void tunedModelBeatsItsBaseAndPasses() {
    EvaluationReport r =
        Comparison.compare(baseEval, tunedEval, inputs.suite(), gate(0.5, GENEROUS_FORGETTING));
    System.out.println(ReportJson.write(r));
    double em = r.metrics().get(Metrics.EXACT_MATCH).orElseThrow();
    assertTrue(em >= 0.5, "tuned exact match " + em);
    assertTrue(
        r.baseMetrics().get(Metrics.EXACT_MATCH).orElseThrow() <= 0.1,
        "the base must not do the task: " + r.baseMetrics());
    assertTrue(r.deltas().get(Metrics.VALIDATION_LOSS).orElseThrow() < 0, r.deltas().toString());
    assertTrue(r.passed(), r.reasons().toString());
    assertEquals(List.of(), r.reasons());
    assertEquals(Metrics.KEYS, List.copyOf(r.metrics().values().keySet()));
    assertEquals(r.metrics().values().keySet(), r.baseMetrics().values().keySet());
    CaseRow four = r.cases().get(0);
    assertEquals("double-four", four.id());
    assertTrue(four.tunedPass() && !four.basePass(), four.toString());
    assertEquals(11, r.samples().size());
  }

  @Test
  void aSuiteCaseTheTunedModelFailsFailsTheGateNamingIt() {
    EvaluationReport r =
        Comparison.compare(baseBad, tunedBad, badInputs.suite(), gate(0.5, GENEROUS_FORGETTING));
    assertFalse(r.passed());
    assertTrue(
        r.reasons()
            .contains(
                new GateReason("min_suite_pass_rate", "impossible", "case 'impossible' failed")),
        r.reasons().toString());
    // the base model does not say "eight" for four; the tuned model does: a regression, named
    CaseRow bait =
        r.cases().stream().filter(c -> c.id().equals("four-not-eight")).findFirst().orElseThrow();
    assertTrue(bait.basePass() && !bait.tunedPass(), bait.toString());
    assertTrue(
        r.reasons()
            .contains(
                new GateReason(
                    "no_regressions",
                    "four-not-eight",
                    "case 'four-not-eight' passed on the base model and fails on the tuned model")),
        r.reasons().toString());
    assertEquals(
        List.of(
            "min_suite_pass_rate/null",
            "min_suite_pass_rate/impossible",
            "min_suite_pass_rate/four-not-eight",
            "no_regressions/four-not-eight"),
        r.reasons().stream().map(x -> x.condition() + "/" + x.caseId()).toList());
  }

  @Test
  void raisingRetentionLossPastTheThresholdFailsWithTheForgettingReason() {
    double rise =
        tunedEval.metrics().get(Metrics.RETENTION_LOSS).orElseThrow()
            - baseEval.metrics().get(Metrics.RETENTION_LOSS).orElseThrow();
    assertTrue(
        rise > 0,
        "the adapter must raise the retention loss for this check to mean anything: " + rise);
    EvaluationReport r =
        Comparison.compare(baseEval, tunedEval, inputs.suite(), gate(0.5, rise / 2));
    assertFalse(r.passed());
    assertEquals(1, r.reasons().size(), r.reasons().toString());
    GateReason forgetting = r.reasons().get(0);
    assertEquals("max_retention_loss_increase", forgetting.condition());
    assertTrue(forgetting.message().startsWith("forgetting:"), forgetting.message());
  }

  @Test
  void theSameInputsGiveIdenticalFigures() throws Exception {
    ModelEvaluation again = evaluateTuned(inputs);
    assertEquals(tunedEval, again);
    GatePolicy policy = gate(0.5, GENEROUS_FORGETTING);
    assertEquals(
        ReportJson.write(Comparison.compare(baseEval, tunedEval, inputs.suite(), policy)),
        ReportJson.write(Comparison.compare(baseEval, again, inputs.suite(), policy)));
  }

  @Test
  void reportJsonReadsBackAsTheSameReport() {
    EvaluationReport r =
        Comparison.compare(baseBad, tunedBad, badInputs.suite(), gate(0.5, GENEROUS_FORGETTING));
    assertEquals(r, ReportJson.read(ReportJson.write(r)));
    var tree = ReportJson.tree(r);
    assertTrue(
        tree.get("metrics").has("exact_match") && tree.get("base_metrics").has("retention_loss"));
    assertTrue(tree.at("/cases/0").has("base_output") && tree.at("/cases/0").has("tuned_pass"));
    String[] table = ReportJson.caseTableJsonl(r).split("\n");
    assertEquals(r.cases().size(), table.length);
    assertTrue(table[3].startsWith("{\"id\":\"impossible\""), table[3]);
  }

  @Test
  void oneCallEvaluatesBothAndLayersTheGateDefaultsSuiteJob() {
    Suite lenient =
        suite(
            SUITE_WITH_BAD_CASES.replace(
                "name: doubles",
                "name: doubles\ngate: {min_suite_pass_rate: 0.6," + " no_regressions: false}"));
    EvaluationInputs in = new EvaluationInputs(inputs.validation(), inputs.retention(), lenient);
    GatePolicy job = new GatePolicy(0.5, null, null, null, GENEROUS_FORGETTING, null, null);
    EvaluationReport r;
    try (Tokenizer tok = Tokenizer.load(base);
        CausalLM baseModel = ModelLoader.load(new LocalModelSource(base));
        AdapterLoader.Adapted tuned = AdapterLoader.load(new LocalModelSource(base), adapter)) {
      ChatTemplate template = ChatTemplate.load(base);
      r =
          new ModelEvaluator(SETTINGS)
              .compare(
                  new EvalModel(baseModel, tok, template),
                  new EvalModel(tuned.model(), tok, template),
                  in,
                  job);
    }
    assertEquals(new GatePolicy(0.5, null, null, true, GENEROUS_FORGETTING, 0.6, false), r.gate());
    // 3 of 5 cases pass: enough for the suite's 0.6, and the suite waived no_regressions
    assertEquals(0.6, r.metrics().get(Metrics.SUITE_PASS_RATE).orElseThrow(), 1e-12);
    assertTrue(r.passed(), r.reasons().toString());
    assertEquals(
        tunedBad.metrics(), r.metrics(), "the same figures as the evaluations made one by one");
    assertEquals(baseBad.metrics(), r.baseMetrics());
  }

  /** The defaults with a job's exact-match floor and forgetting allowance. */
  static GatePolicy gate(double minExactMatch, double maxRetentionRise) {
    return GatePolicy.DEFAULTS.overriddenBy(
        new GatePolicy(minExactMatch, null, null, null, maxRetentionRise, null, null));
  }

  static Suite suite(String yaml) {
    var p = SuiteParser.parse(yaml);
    assertTrue(p.ok(), () -> p.errors().toString());
    return p.value();
  }

  static ModelEvaluation evaluateBase(EvaluationInputs in) {
    try (Tokenizer tok = Tokenizer.load(base);
        CausalLM model = ModelLoader.load(new LocalModelSource(base))) {
      return new ModelEvaluator(SETTINGS)
          .evaluate(new EvalModel(model, tok, ChatTemplate.load(base)), in);
    }
  }

  static ModelEvaluation evaluateTuned(EvaluationInputs in) {
    try (Tokenizer tok = Tokenizer.load(base);
        AdapterLoader.Adapted tuned = AdapterLoader.load(new LocalModelSource(base), adapter)) {
      return new ModelEvaluator(SETTINGS)
          .evaluate(new EvalModel(tuned.model(), tok, ChatTemplate.load(base)), in);
    }
  }
}
