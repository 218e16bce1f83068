package dev.tuneforge.registry.adapters;

/**
 * Body of {@code POST …/versions/{v}/promote}: {@code stage} is staging or production, or {@code
 * alias} names a custom alias; {@code force} (admin only, with a {@code reason}) promotes to
 * production a version whose evaluation did not pass.
 */
public record PromoteRequest(String stage, String alias, Boolean force, String reason) {}
