package dev.tuneforge.evaluator.run;

import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.template.ChatTemplate;
import dev.tuneforge.llm.tokenizer.Tokenizer;

/**
 * A loaded model as evaluation needs it: the network (a base, or a base with a PEFT adapter applied
 * by {@code llm.peft.AdapterLoader}), its tokenizer and its chat template. The caller loads and
 * closes it; evaluation only reads.
 */
public record EvalModel(CausalLM model, Tokenizer tokenizer, ChatTemplate template) {}
