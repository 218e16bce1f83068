package dev.tuneforge.llm.train;

import ai.djl.ndarray.NDArray;
import dev.tuneforge.llm.model.CausalLM;
import dev.tuneforge.llm.train.optim.TrainableParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which tensors of a model the trainer updates, under which names, and which of them decay. Full
 * fine-tuning trains every parameter; a LoRA set (package {@code lora}) selects the {@code lora_}
 * tensors its {@code LinearFactory} built. The names are the keys of checkpoints.
 */
@FunctionalInterface
public interface TrainableSet {

  List<TrainableParameter> select(CausalLM model);

  /**
   * Every parameter, by HF name. Weight decay as HF Trainer applies it: every weight except biases
   * and norm weights (1-d tensors).
   */
  static TrainableSet full() {
    return model -> {
      List<TrainableParameter> out = new ArrayList<>();
      for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
        boolean decay = e.getValue().getShape().dimension() >= 2;
        out.add(new TrainableParameter(e.getKey(), e.getValue(), decay));
      }
      return out;
    };
  }
}
