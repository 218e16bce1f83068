package dev.tuneforge.evaluator.gate;

/**
 * A suite case's result on both models.
 *
 * @param basePassed null when the base model was not run on the suite
 */
public record CaseVerdict(String caseId, Boolean basePassed, boolean tunedPassed) {}
