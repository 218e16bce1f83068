package dev.tuneforge.registry.state;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.TrainingCompleted;
import java.time.Instant;
import java.util.List;

/**
 * One version as readers see it: the job's facts, its evaluation (null until one arrived), its
 * derived stage and the aliases that point at it.
 */
public record VersionView(
    VersionRef ref,
    String fineTunedModel,
    TrainingCompleted training,
    Instant createdAt,
    EvaluationCompleted evaluation,
    Stage stage,
    List<String> aliases,
    boolean archived,
    String archivedBy,
    String archiveReason,
    List<PromotionRecord> promotions) {

  public boolean evaluationPassed() {
    return evaluation != null && evaluation.passed();
  }
}
