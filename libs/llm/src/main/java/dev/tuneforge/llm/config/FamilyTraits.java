package dev.tuneforge.llm.config;

/**
 * What a model family reads from {@code config.json} beyond the shared sizes: which projections
 * carry biases, per-head query/key norms, sliding-window attention. Each family's rules live in its
 * own package ({@code model/<family>}); the shared parser only stores the answer.
 *
 * @param qkvBias q/k/v projections have a bias
 * @param outputBias o_proj has a bias
 * @param mlpBias gate/up/down have a bias
 * @param qkNorm per-head RMSNorm on queries and keys before RoPE
 * @param slidingWindow attention window in tokens, or null for full causal attention
 */
public record FamilyTraits(
    boolean qkvBias, boolean outputBias, boolean mlpBias, boolean qkNorm, Integer slidingWindow) {}
