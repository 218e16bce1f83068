package dev.tuneforge.registry.state;

import java.time.Instant;

/**
 * What the registry's log says about one export of a version: {@code running} on {@code replica}
 * since {@code at}, {@code failed} there with {@code error}, or {@code succeeded} (its artifact
 * published). The same on every replica, whichever ran it.
 */
public record ExportRecord(
    String exportId, String status, String error, String replica, Instant at) {}
