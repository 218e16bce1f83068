package dev.tuneforge.registry.state;

import java.time.Instant;

/** One applied alias move or archive, with who asked, their role, and why. */
public record PromotionRecord(
    String alias,
    Integer previous,
    String by,
    String role,
    boolean forced,
    String reason,
    Instant at) {}
