package dev.tuneforge.evaluator.ondemand;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.evaluator.chat.ServedModels;
import dev.tuneforge.evaluator.service.TrainedModels;
import dev.tuneforge.evaluator.suites.StoredSuite;
import dev.tuneforge.evaluator.suites.SuiteCatalog;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.FineTunedModelId;
import dev.tuneforge.platform.api.FieldError;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.InvalidNameException;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns {@code POST /v1/evaluations} {model, suite, dataset} into an {@link EvaluationRequested}:
 * the model is resolved exactly as the chat endpoint resolves it ({@link ServedModels#resolve}: a
 * base model, an {@code ft:} id, or a registry {@code name@alias} / {@code name@N}), the suite
 * through the team's suite catalog, the dataset from its curated version's manifest (which names
 * its team). What is resolved now is what runs, even if an alias moves meanwhile.
 */
@ApplicationScoped
public class OnDemandEvaluations {

  static final Set<String> FIELDS = Set.of("model", "suite", "dataset");

  @Inject ServedModels models;
  @Inject TrainedModels trained;
  @Inject SuiteCatalog suites;
  @Inject ArtifactStore artifacts;

  public OnDemandPlan plan(String team, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      return new OnDemandPlan.Invalid(
          List.of(new FieldError("body", "must be a JSON object {model, suite, dataset}")));
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        errors.add(new FieldError(f, "unknown field (known: model, suite, dataset)"));
      }
    }
    String model = text(body, "model", errors);
    String suiteRef = text(body, "suite", errors);
    String datasetRef = text(body, "dataset", errors);
    if (model == null && errors.stream().noneMatch(e -> e.param().equals("model"))) {
      errors.add(new FieldError("model", "is required: a base model name or a fine-tuned model"));
    }
    if (suiteRef == null
        && datasetRef == null
        && errors.stream()
            .noneMatch(e -> e.param().equals("suite") || e.param().equals("dataset"))) {
      errors.add(
          new FieldError(
              "suite",
              "a suite ('name' or 'name@version') or a dataset ('name@version') is required;"
                  + " give one or both"));
    }
    if (!errors.isEmpty()) {
      return new OnDemandPlan.Invalid(errors);
    }

    Optional<ServedModels.Ref> ref = models.resolve(model, team);
    if (ref.isEmpty()) {
      if (FineTunedModelId.isFineTuned(model) && trained.byModelId(model).isPresent()) {
        return new OnDemandPlan.NotFound(
            "model", "The model '" + model + "' does not exist or you do not have access to it.");
      }
      errors.add(
          new FieldError(
              "model",
              "no model '"
                  + model
                  + "': not a base model, a fine-tuned model of team '"
                  + team
                  + "', nor a registry name@alias or name@version"));
    }
    String suite = null;
    if (suiteRef != null) {
      Optional<StoredSuite> s = suites.resolve(team, suiteRef);
      if (s.isEmpty()) {
        errors.add(
            new FieldError(
                "suite",
                "team '"
                    + team
                    + "' has no evaluation suite '"
                    + suiteRef
                    + "' (POST /v1/evaluation/suites stores one)"));
      } else {
        suite = s.get().suite().ref();
      }
    }
    String datasetUri = null;
    if (datasetRef != null) {
      Optional<String> prefix = dataset(team, datasetRef, errors);
      datasetUri = prefix.map(p -> artifacts.objects().uri(p)).orElse(null);
    }
    if (!errors.isEmpty()) {
      return new OnDemandPlan.Invalid(errors);
    }
    ServedModels.Ref r = ref.get();
    return new OnDemandPlan.Ready(
        new EvaluationRequested(
            "eval-od-" + UUID.randomUUID().toString().replace("-", ""),
            team,
            model,
            r.jobId(),
            artifacts.objects().uri(r.basePrefix()),
            r.outputPrefix() == null ? null : artifacts.objects().uri(r.outputPrefix()),
            suite,
            datasetRef,
            datasetUri));
  }

  /**
   * The prefix of {@code team}'s curated dataset version {@code name@version}; another team's
   * dataset is reported as unknown.
   */
  private Optional<String> dataset(String team, String ref, List<FieldError> errors) {
    int at = ref.indexOf('@');
    if (at <= 0 || at == ref.length() - 1) {
      errors.add(
          new FieldError(
              "dataset", "expected name@version (e.g. support-chats@v3), got '" + ref + "'"));
      return Optional.empty();
    }
    String prefix;
    try {
      prefix = BucketLayout.dataset(ref.substring(0, at), ref.substring(at + 1));
    } catch (InvalidNameException e) {
      errors.add(new FieldError("dataset", e.getMessage()));
      return Optional.empty();
    }
    Optional<ArtifactManifest> m = artifacts.find(prefix);
    if (m.isEmpty() || !team.equals(m.get().metadata("team").asText(""))) {
      errors.add(
          new FieldError("dataset", "team '" + team + "' has no dataset version '" + ref + "'"));
      return Optional.empty();
    }
    return Optional.of(prefix);
  }

  /** A non-blank string field, or null when absent; anything else is an error naming it. */
  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      errors.add(new FieldError(field, "must be a non-empty string, got " + v));
      return null;
    }
    return v.asText().strip();
  }
}
