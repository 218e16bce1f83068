package dev.tuneforge.dataset.curation.report;

/**
 * Memory held by deduplication, the only curation state that grows with the number of records.
 *
 * @param exactEntries distinct records remembered by exact dedup
 * @param exactBytes bytes of its hash table
 * @param nearBands LSH bands b (0 when near-dedup is off)
 * @param nearRows rows per band r
 * @param nearBytes bytes of the LSH band table
 * @param bytesPerRecord (exactBytes + nearBytes) per record read
 */
public record DedupState(
    long exactEntries,
    long exactBytes,
    int nearBands,
    int nearRows,
    long nearBytes,
    double bytesPerRecord) {}
