package dev.tuneforge.registry.models;

/**
 * Body of {@code POST /v1/models}: register the HF folder already uploaded to {@code
 * models/<name>/<revision>/} (revision default {@code main}).
 */
public record ModelImportRequest(String name, String revision) {}
