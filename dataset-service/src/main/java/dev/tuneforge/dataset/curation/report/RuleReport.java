package dev.tuneforge.dataset.curation.report;

import java.util.List;

/**
 * What one curation rule did.
 *
 * @param rule rule name: invalid, blocklist, pii, length, exact_dedup, near_dedup
 * @param enabled false when the options turned it off (then all counts are 0)
 * @param dropped records it removed
 * @param changed records it modified and kept (only PII redaction changes records)
 * @param droppedSamples the first sample_size of those removed
 * @param changedSamples the first sample_size of those modified
 */
public record RuleReport(
    String rule,
    boolean enabled,
    long dropped,
    long changed,
    List<Sample> droppedSamples,
    List<Sample> changedSamples) {}
