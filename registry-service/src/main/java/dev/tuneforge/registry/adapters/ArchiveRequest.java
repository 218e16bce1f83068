package dev.tuneforge.registry.adapters;

/** Optional body of {@code POST …/versions/{v}/archive}. */
public record ArchiveRequest(String reason) {}
