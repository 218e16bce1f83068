package dev.tuneforge.dataset.curation.report;

import java.util.List;
import java.util.Map;

/**
 * Everything curation did, for {@code report.json}: totals, one entry per rule in the order the
 * rules run, PII findings per kind, token lengths and role counts of the written records, and the
 * memory of the dedup state.
 *
 * @param recordsRead valid records read from all inputs
 * @param invalidLines lines that were not valid records (counted under the "invalid" rule too)
 * @param recordsWritten trainRecords + validationRecords
 * @param trainRecords records in train.jsonl
 * @param validationRecords records in validation.jsonl
 * @param rules per rule: dropped, changed and samples
 * @param piiFindings findings per PII kind over all records (redacted or dropped)
 * @param tokenLengths histogram of token counts of written records, or of a sample of them when
 *     bounds let the length filter skip counting (it says which)
 * @param tokenCounting how many records were tokenized and how many decided by bounds alone
 * @param roleCounts turns per role in written records
 * @param dedupState memory of the dedup state
 */
public record CurationReport(
    long recordsRead,
    long invalidLines,
    long recordsWritten,
    long trainRecords,
    long validationRecords,
    List<RuleReport> rules,
    Map<String, Long> piiFindings,
    TokenHistogram.Snapshot tokenLengths,
    TokenCounting tokenCounting,
    Map<String, Long> roleCounts,
    DedupState dedupState) {

  /** The entry for one rule by name, e.g. {@code rule("exact_dedup")}. */
  public RuleReport rule(String name) {
    return rules.stream()
        .filter(r -> r.rule().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no rule " + name));
  }
}
