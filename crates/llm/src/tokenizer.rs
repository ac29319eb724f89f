//! tokenizer.json from the GGUF tokenizer metadata (byte-level BPE, `gpt2` model): vocabulary,
//! merges, and the control tokens as special added tokens.

use std::path::Path;

use candle_core::quantized::gguf_file::Content;
use tokenizers::models::bpe::BPE;
use tokenizers::{AddedToken, Tokenizer};

use crate::Error;

/// Writes `out/tokenizer.json`.
pub fn write(c: &Content, tokens: &[String], gguf: &Path, out: &Path) -> Result<(), Error> {
    let e = |what: String| Error::Model(format!("{}: {what}", gguf.display()));
    let model = c
        .metadata
        .get("tokenizer.ggml.model")
        .and_then(|v| v.to_string().ok())
        .cloned()
        .unwrap_or_default();
    if model != "gpt2" {
        return Err(e(format!(
            "tokenizer model `{model}` is not supported (gpt2 BPE only)"
        )));
    }
    let merges: Vec<(String, String)> = c
        .metadata
        .get("tokenizer.ggml.merges")
        .and_then(|v| v.to_vec().ok())
        .ok_or_else(|| e("the GGUF file has no tokenizer merges".into()))?
        .iter()
        .filter_map(|v| {
            let s = v.to_string().ok()?;
            let (a, b) = s.split_once(' ')?;
            Some((a.to_string(), b.to_string()))
        })
        .collect();
    let vocab: tokenizers::models::bpe::Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|x| e(format!("cannot build the tokenizer: {x}")))?;
    let mut tok = Tokenizer::new(bpe);
    tok.with_pre_tokenizer(Some(
        tokenizers::pre_tokenizers::byte_level::ByteLevel::new(false, true, true),
    ));
    tok.with_decoder(Some(tokenizers::decoders::byte_level::ByteLevel::default()));
    tok.with_post_processor(Some(tokenizers::processors::byte_level::ByteLevel::new(
        false, true, true,
    )));
    // Control tokens (type 3) are special.
    let types: Vec<i32> = c
        .metadata
        .get("tokenizer.ggml.token_type")
        .and_then(|v| v.to_vec().ok())
        .map(|v| v.iter().map(|x| x.to_i32().unwrap_or(1)).collect())
        .unwrap_or_default();
    let special: Vec<AddedToken> = tokens
        .iter()
        .zip(&types)
        .filter(|(_, t)| **t == 3)
        .map(|(s, _)| AddedToken::from(s.clone(), true))
        .collect();
    tok.add_special_tokens(&special);
    tok.save(out.join("tokenizer.json"), true)
        .map_err(|x| Error::Model(format!("{}: {x}", out.join("tokenizer.json").display())))
}
