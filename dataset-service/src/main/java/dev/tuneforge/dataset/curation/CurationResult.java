package dev.tuneforge.dataset.curation;

import dev.tuneforge.dataset.curation.output.PartInfo;
import dev.tuneforge.dataset.curation.report.CurationReport;

/**
 * What a curation run produced.
 *
 * @param report what every rule did
 * @param train checksum, size and record count of train.jsonl as written
 * @param validation the same for validation.jsonl (0 records when there is no validation split)
 * @param optionsJson {@link CurationOptions#canonicalJson()} of the options used
 * @param contentHash SHA-256 hex over optionsJson and both parts' SHA-256: equal inputs and options
 *     give an equal hash, which is how the service recognises a version it already has
 */
public record CurationResult(
    CurationReport report,
    PartInfo train,
    PartInfo validation,
    String optionsJson,
    String contentHash) {}
