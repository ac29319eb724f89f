#!/usr/bin/env python3
"""Trains one LoRA adapter (PEFT) for one normforge task on CPU.

Input: a JSON-lines file from `normforge dataset --task T` ({"prompt", "completion"} per line)
and the base model folder from `normforge model pull` (a Hugging Face llama folder).
Output: <out>/adapter_config.json, <out>/adapter_model.safetensors and <out>/train.json (data
hash, settings, loss per epoch, seconds), loadable by normforge's embedded backend.

Each sample is one chat turn: the user message is the prompt, the assistant message the
completion; the loss is on the completion tokens only. Deterministic: fixed seed, one thread
unless --threads says otherwise.

Usage: train.py --model DIR --data train.jsonl --out adapters/<task> [--epochs 3] [--r 8]
"""
import argparse
import hashlib
import json
import os
import random
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--r", type=int, default=8)
    ap.add_argument("--alpha", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--max-len", type=int, default=768)
    ap.add_argument("--max-samples", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    raw = open(a.data, "rb").read()
    samples = [json.loads(l) for l in raw.decode("utf-8").splitlines() if l.strip()]
    random.shuffle(samples)
    if a.max_samples:
        samples = samples[: a.max_samples]

    tok = AutoTokenizer.from_pretrained(a.model)
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32)
    cfg = LoraConfig(
        r=a.r,
        lora_alpha=a.alpha,
        lora_dropout=0.05,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, cfg)
    eos = tok.eos_token or ""

    def encode(s):
        prefix = tok.apply_chat_template(
            [{"role": "user", "content": s["prompt"]}], add_generation_prompt=True, tokenize=False
        )
        p = tok(prefix, add_special_tokens=False)["input_ids"]
        c = tok(s["completion"] + eos, add_special_tokens=False)["input_ids"]
        # The answer is never cut: a long prompt loses its middle (its event lines), so every
        # sample keeps tokens to learn from (an all-masked sample gives a NaN loss).
        room = a.max_len - len(c)
        if room < 32:
            return None
        if len(p) > room:
            p = p[: room // 2] + p[len(p) - (room - room // 2):]
        ids = p + c
        labels = [-100] * len(p) + c
        return torch.tensor([ids]), torch.tensor([labels])

    data = [x for x in (encode(s) for s in samples) if x is not None]
    print(f"{len(data)} samples ({len(samples) - len(data)} with answers longer than --max-len left out)", flush=True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=a.lr)
    model.train()
    t0 = time.time()
    losses = []
    for epoch in range(a.epochs):
        total = 0.0
        for ids, labels in data:
            out = model(input_ids=ids, labels=labels)
            if not torch.isfinite(out.loss):
                raise SystemExit("non-finite loss: stopping rather than saving a broken adapter")
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        losses.append(total / max(1, len(data)))
        print(f"epoch {epoch + 1}: loss {losses[-1]:.4f} ({time.time() - t0:.0f} s)", flush=True)

    os.makedirs(a.out, exist_ok=True)
    model.save_pretrained(a.out)
    info = {
        "data": os.path.basename(a.data),
        "data_sha256": hashlib.sha256(raw).hexdigest(),
        "samples": len(data),
        "epochs": a.epochs,
        "r": a.r,
        "alpha": a.alpha,
        "lr": a.lr,
        "max_len": a.max_len,
        "seed": a.seed,
        "loss_per_epoch": [round(x, 4) for x in losses],
        "seconds": round(time.time() - t0, 1),
        "torch": torch.__version__,
    }
    with open(os.path.join(a.out, "train.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
