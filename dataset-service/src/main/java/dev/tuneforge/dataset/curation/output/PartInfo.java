package dev.tuneforge.dataset.curation.output;

/**
 * One written split file, as the manifest lists it.
 *
 * @param sha256 lower-case hex SHA-256 of the exact bytes written
 * @param bytes size in bytes
 * @param records lines (one record each)
 */
public record PartInfo(String sha256, long bytes, long records) {}
