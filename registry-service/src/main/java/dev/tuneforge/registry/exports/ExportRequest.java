package dev.tuneforge.registry.exports;

/** Body of {@code POST …/versions/{v}/exports}: {@code format} and, for gguf, {@code type}. */
public record ExportRequest(String format, String type) {}
