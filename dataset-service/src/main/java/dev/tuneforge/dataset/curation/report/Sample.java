package dev.tuneforge.dataset.curation.report;

/**
 * One record a rule dropped or changed, as shown in the report.
 *
 * @param fileId the input file it came from
 * @param line its 1-based line in that file
 * @param reason what the rule found ("duplicate", "email x2", "1532 tokens > max_tokens 1024", ...)
 * @param excerpt the start of the record after redaction, so the report itself never leaks PII
 */
public record Sample(String fileId, long line, String reason, String excerpt) {}
