/**
 * NF4 quantization of frozen base weights for QLoRA, following bitsandbytes' layout: the 16 NF4
 * levels ({@link dev.tuneforge.llm.quant.Nf4}), blocks of 64 with one absmax each, two codes per
 * byte with the even element in the high nibble, and double quantization of the absmax constants
 * with bitsandbytes' dynamic 8-bit map in groups of 256 ({@link
 * dev.tuneforge.llm.quant.DoubleQuantizedScales}). {@link dev.tuneforge.llm.quant.Nf4Tensor} is the
 * host form (quantize, dequantize, exact byte accounting); {@link
 * dev.tuneforge.llm.quant.Nf4DeviceTensor} the resident device form dequantized with tensor ops (a
 * gather from a 256 × 2 byte-pair table and one broadcast multiply). {@link
 * dev.tuneforge.llm.quant.Nf4Linear} is the frozen QLoRA base layer built on it, and {@link
 * dev.tuneforge.llm.quant.Nf4LinearFactory} chooses it for every decoder projection when a model is
 * built (LoRA goes on top through {@code lora.LoraLinearFactory}).
 */
package dev.tuneforge.llm.quant;
