//! GGUF (llama architecture) → a Hugging Face–style model folder mistralrs loads at full
//! speed on CPU: `model.safetensors` (F32, dequantized), `config.json`, `tokenizer.json` and
//! `tokenizer_config.json` (with the chat template), all read from the GGUF file itself.
//!
//! llama.cpp stores the query and key projections permuted for its rotary layout; they are
//! permuted back here so the weights match the Hugging Face llama layout.

use std::collections::HashMap;
use std::path::Path;

use candle_core::quantized::gguf_file::{Content, Value};
use candle_core::{Device, Tensor};

use crate::Error;

fn err(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Model(format!("{}: {what}", path.display()))
}

fn meta<'a>(c: &'a Content, key: &str, path: &Path) -> Result<&'a Value, Error> {
    c.metadata
        .get(key)
        .ok_or_else(|| err(path, format!("the GGUF file has no `{key}`")))
}

fn meta_u32(c: &Content, key: &str, path: &Path) -> Result<u32, Error> {
    let v = meta(c, key, path)?;
    v.to_u32()
        .or_else(|_| v.to_u64().map(|x| x as u32))
        .map_err(|e| err(path, e))
}

/// Hugging Face name of a GGUF tensor (`blk.3.attn_q.weight` → `model.layers.3.self_attn.q_proj.weight`).
pub fn hf_name(gguf: &str) -> Option<String> {
    let simple = match gguf {
        "token_embd.weight" => Some("model.embed_tokens.weight"),
        "output_norm.weight" => Some("model.norm.weight"),
        "output.weight" => Some("lm_head.weight"),
        _ => None,
    };
    if let Some(s) = simple {
        return Some(s.to_string());
    }
    let rest = gguf.strip_prefix("blk.")?;
    let (layer, part) = rest.split_once('.')?;
    let layer: u32 = layer.parse().ok()?;
    let hf = match part {
        "attn_q.weight" => "self_attn.q_proj.weight",
        "attn_k.weight" => "self_attn.k_proj.weight",
        "attn_v.weight" => "self_attn.v_proj.weight",
        "attn_output.weight" => "self_attn.o_proj.weight",
        "ffn_gate.weight" => "mlp.gate_proj.weight",
        "ffn_up.weight" => "mlp.up_proj.weight",
        "ffn_down.weight" => "mlp.down_proj.weight",
        "attn_norm.weight" => "input_layernorm.weight",
        "ffn_norm.weight" => "post_attention_layernorm.weight",
        _ => return None,
    };
    Some(format!("model.layers.{layer}.{hf}"))
}

/// Undoes llama.cpp's rotary permutation of a q/k projection with `heads` heads.
pub fn unpermute(t: &Tensor, heads: usize) -> candle_core::Result<Tensor> {
    let (rows, cols) = t.dims2()?;
    t.reshape((heads, rows / heads / 2, 2, cols))?
        .transpose(1, 2)?
        .contiguous()?
        .reshape((rows, cols))
}

/// Converts `gguf` into the folder `out` (which must exist).
pub fn convert(gguf: &Path, out: &Path) -> Result<(), Error> {
    let mut f = std::fs::File::open(gguf).map_err(|e| err(gguf, e))?;
    let c = Content::read(&mut f).map_err(|e| err(gguf, e))?;
    let arch = meta(&c, "general.architecture", gguf)?
        .to_string()
        .map_err(|e| err(gguf, e))?
        .clone();
    if arch != "llama" {
        return Err(err(
            gguf,
            format!("architecture `{arch}` is not supported (llama only)"),
        ));
    }
    let heads = meta_u32(&c, "llama.attention.head_count", gguf)? as usize;
    let kv_heads =
        meta_u32(&c, "llama.attention.head_count_kv", gguf).unwrap_or(heads as u32) as usize;
    let mut tensors: HashMap<String, Tensor> = HashMap::new();
    let mut names: Vec<&String> = c.tensor_infos.keys().collect();
    names.sort();
    for name in names {
        let Some(hf) = hf_name(name) else {
            return Err(err(gguf, format!("unexpected tensor `{name}`")));
        };
        let q = c
            .tensor(&mut f, name, &Device::Cpu)
            .map_err(|e| err(gguf, e))?;
        let mut t = q.dequantize(&Device::Cpu).map_err(|e| err(gguf, e))?;
        if name.ends_with("attn_q.weight") {
            t = unpermute(&t, heads).map_err(|e| err(gguf, e))?;
        } else if name.ends_with("attn_k.weight") {
            t = unpermute(&t, kv_heads).map_err(|e| err(gguf, e))?;
        }
        tensors.insert(hf, t);
    }
    let tied = !tensors.contains_key("lm_head.weight");
    candle_core::safetensors::save(&tensors, out.join("model.safetensors"))
        .map_err(|e| err(out, e))?;

    let tokens: Vec<String> = meta(&c, "tokenizer.ggml.tokens", gguf)?
        .to_vec()
        .map_err(|e| err(gguf, e))?
        .iter()
        .map(|v| v.to_string().cloned().unwrap_or_default())
        .collect();
    let opt_u32 = |k: &str| meta_u32(&c, k, gguf).ok();
    let f32_or = |k: &str, d: f32| c.metadata.get(k).and_then(|v| v.to_f32().ok()).unwrap_or(d);
    let bos = opt_u32("tokenizer.ggml.bos_token_id");
    let eos = opt_u32("tokenizer.ggml.eos_token_id");
    let config = serde_json::json!({
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_act": "silu",
        "hidden_size": meta_u32(&c, "llama.embedding_length", gguf)?,
        "intermediate_size": meta_u32(&c, "llama.feed_forward_length", gguf)?,
        "num_hidden_layers": meta_u32(&c, "llama.block_count", gguf)?,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "rms_norm_eps": f32_or("llama.attention.layer_norm_rms_epsilon", 1e-5),
        "rope_theta": f32_or("llama.rope.freq_base", 10000.0),
        "max_position_embeddings": opt_u32("llama.context_length").unwrap_or(2048),
        "vocab_size": tokens.len(),
        "tie_word_embeddings": tied,
        "bos_token_id": bos,
        "eos_token_id": eos,
        "torch_dtype": "float32",
    });
    write_json(&out.join("config.json"), &config)?;

    crate::tokenizer::write(&c, &tokens, gguf, out)?;
    let name = |id: Option<u32>| id.and_then(|i| tokens.get(i as usize).cloned());
    let tok_config = serde_json::json!({
        "chat_template": c.metadata.get("tokenizer.chat_template").and_then(|v| v.to_string().ok()),
        "bos_token": name(bos),
        "eos_token": name(eos),
        "pad_token": name(opt_u32("tokenizer.ggml.padding_token_id")),
        "unk_token": name(opt_u32("tokenizer.ggml.unknown_token_id")),
        "add_bos_token": false,
        "model_max_length": opt_u32("llama.context_length").unwrap_or(2048),
        "tokenizer_class": "GPT2Tokenizer",
    });
    write_json(&out.join("tokenizer_config.json"), &tok_config)?;
    write_json(
        &out.join("generation_config.json"),
        &serde_json::json!({"bos_token_id": bos, "eos_token_id": eos}),
    )
}

fn write_json(path: &Path, v: &serde_json::Value) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(v).map_err(|e| err(path, e))?;
    std::fs::write(path, text + "\n").map_err(|e| err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map() {
        assert_eq!(
            hf_name("blk.12.attn_k.weight").as_deref(),
            Some("model.layers.12.self_attn.k_proj.weight")
        );
        assert_eq!(
            hf_name("token_embd.weight").as_deref(),
            Some("model.embed_tokens.weight")
        );
        assert_eq!(hf_name("blk.x.attn_k.weight"), None);
    }

    #[test]
    fn unpermute_inverts_the_llama_cpp_permutation() {
        // llama.cpp: reshape(h, 2, rows/h/2, cols).swapaxes(1, 2).reshape(rows, cols)
        let hf = Tensor::arange(0f32, 48.0, &Device::Cpu)
            .unwrap()
            .reshape((8, 6))
            .unwrap();
        let permuted = hf
            .reshape((2, 2, 2, 6))
            .unwrap()
            .transpose(1, 2)
            .unwrap()
            .contiguous()
            .unwrap()
            .reshape((8, 6))
            .unwrap();
        let back = unpermute(&permuted, 2).unwrap();
        assert_eq!(back.to_vec2::<f32>().unwrap(), hf.to_vec2::<f32>().unwrap());
    }
}
