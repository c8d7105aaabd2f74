#!/usr/bin/env python3
"""Golden ids for sdfarm's CLIP tokenizer, made by transformers' CLIPTokenizer.

Writes Tests/DiffusionTests/Fixtures/tokenizer/:
  clip-ids.json   ids for 250+ prompts with the full CLIP vocabulary, built from the same
                  bpe_simple_vocab_16e6.txt.gz that sdfarm bundles (exactly as CLIP builds it).
  tiny/           a small vocab.json + merges.txt (the first merges only) and the ids that
                  transformers gives with it, to test reading a diffusers `tokenizer/` folder.

No hub access: the tokenizer folder is written to a temporary directory, with a
tokenizer_config.json like the one in the SD 1.5 release.

Needs: transformers (5.23 used), tokenizers.  Run:  python3 scripts/make-tokenizer-fixtures.py
"""

import gzip
import json
import os
import sys
import tempfile

import transformers
from transformers import CLIPTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GZ = os.path.join(ROOT, "Sources/Diffusion/Resources/clip/bpe_simple_vocab_16e6.txt.gz")
OUT = os.path.join(ROOT, "Tests/DiffusionTests/Fixtures/tokenizer")
MAGIC = "sdfarm-tokenizer-fixtures"
VERSION = 1


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def clip_vocab(merge_count):
    """vocab and merges as CLIP's SimpleTokenizer builds them from the gz file."""
    lines = gzip.open(GZ).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1 : merge_count + 1]]
    vocab = list(bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return {t: i for i, t in enumerate(vocab)}, merges


def special(content):
    return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True,
            "rstrip": False, "single_word": False}


def write_folder(folder, vocab, merges):
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    # As in the SD 1.5 release (tokenizer/tokenizer_config.json).
    config = {
        "add_prefix_space": False,
        "bos_token": special("<|startoftext|>"),
        "do_lower_case": True,
        "eos_token": special("<|endoftext|>"),
        "errors": "replace",
        "model_max_length": 77,
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": special("<|endoftext|>"),
    }
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=2)


def prompts():
    p = [
        "", " ", "   \t\n  ", "a", "A", "a photo of a cat", "A Photo Of A Cat",
        "a red circle on a blue square", "masterpiece, best quality, 1girl, solo",
        "photo of an astronaut riding a horse on mars",
        "portrait of a woman, (detailed face:1.2), [blurry], <lora:foo:0.8>",
        "hello, world!", "hello,world", "what?!?!", "...", "a...b", "--ar 16:9", "#hashtag @user",
        "$100 & 50% off", "C++ and C# code", "e=mc^2", "x_1 + y_2 = z_3", "path/to/file.png",
        "https://example.com/a?b=c&d=e", "email@example.com", "{curly} [square] (round) <angle>",
        "\"double quotes\" and 'single quotes'", "`backticks` ~tilde~ |pipes|", "semi;colon:colon",
        "a\\b\\c", "*stars* **bold** ***both***", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "1", "12", "123", "1234567890", "3.14159", "1,000,000", "2024-05-01", "10:30pm", "4k 8k uhd",
        "100%", "-5", "+7", "1st 2nd 3rd 4th", "v1.5", "sd1.5", "1girl2boys", "0x1F", "½ ¼ ¾", "²³¹",
        "Ⅻ roman twelve", "٣ arabic three", "३ devanagari", "१२३", "①②③",
        "it's", "it's a dog's life", "don't", "won't can't shouldn't", "they're", "we've", "I'm",
        "you'll", "he'd", "IT'S LOUD", "DON'T", "'s", "'t", "'re'", "''s", "rock 'n' roll",
        "o'clock", "the '90s", "'quoted'", "it’s curly", "don’t", "abc's'd's",
        "café", "naïve résumé", "Ångström", "façade", "jalapeño", "Müller über Straße", "ÉCOLE",
        "crème brûlée", "señor", "Zürich", "São Paulo", "Dvořák", "Łódź", "ȘȚ", "ǅ titlecase",
        "cafe\u0301 decomposed", "e\u0301\u0301 double accent", "A\u030a", "ﬁ ligature", "Ｆｕｌｌｗｉｄｔｈ",
        "İstanbul", "ΣΊΣΥΦΟΣ", "Ελληνικά", "Привет мир", "ПРИВЕТ", "שלום", "مرحبا", "नमस्ते", "ไทย",
        "東京タワー", "一只猫", "中文 提示词 测试", "日本語のテキスト", "한국어 프롬프트", "漢字かなカナ",
        "猫cat猫", "ｶﾀｶﾅ", "〜波〜", "「引用」", "、。", "😀", "🐱 cat", "🐱🐶🐭", "👨‍👩‍👧 family",
        "🏳️‍🌈 flag", "👍🏽 thumbs", "emoji😀inside", "♥ ♦ ♣ ♠", "★☆", "→ ← ↑ ↓", "©®™", "°C 20°",
        "€ £ ¥ ₹", "∞ ≈ ≠ ≤", "∑∏∫", "α β γ", "µ micro", "ß", "ẞ capital sharp", "Ǆ", "ŉ",
        "a  b", "a     b", "a\tb", "a\nb", "a\r\nb", "  leading", "trailing   ", "a \u00a0 b",
        "a\u2003b em space", "a\u3000b ideographic", "a\u200bb zero width", "a\ufeffb bom",
        "a\u0085b nel", "a\u2028b", "\u00ad soft hyphen", "tab\t\ttab", "line\n\n\nbreaks",
        "&amp;", "&lt;b&gt;bold&lt;/b&gt;", "&quot;quoted&quot;", "&#39;apos&#39;", "&nbsp;space",
        "Tom &amp; Jerry", "&#x1F600;", "<b>html</b>", "<br/>", "a&b", "AT&T",
        "<|startoftext|>", "<|endoftext|>", "a <|endoftext|> b", "a<|startoftext|>b",
        "<|endoftext|><|endoftext|>", "<|ENDOFTEXT|>", "<|StartOfText|> hi", "<|endoftext|", "<|endof text|>",
        "x<|endoftext|>y's", "!<|startoftext|>!", "<|ENDOFTEXT|>!!", "a<|EndOfText|>b", "<|START<|endoftext|>",
        "it'S", "x's's'll", "'''ve", "\u212b angstrom sign", "\u2126 ohm", "ﬀ", "ǈ", "Ǆǅǆ",
        "</w>", "a</w>b", "ĠHello", "Ċ", "\u0000nul", "\x01\x02 control", "\x7f del", "\u0080\u009f c1",
        "\ud7ff", "\ue000 private use", "\U0010fffd", "\U0001d400 math bold A", "𝕳𝖊𝖑𝖑𝖔",
        "Hello World HELLO world", "CamelCaseWords", "snake_case_words", "kebab-case-words",
        "UPPERCASE PROMPT", "MiXeD CaSe", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz",
        "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "zzzzzzzzzzz", "qxjzvw",
        "lowpoly, isometric, octane render, trending on artstation",
        "by greg rutkowski and alphonse mucha", "highly detailed, 8k, unreal engine 5, ray tracing",
        "cinematic lighting, bokeh, f/1.8, 85mm", "a cat:1.5 and a dog:0.5", "(((masterpiece)))",
        "[[[low quality]]]", "{{{nai style}}}", "a cat AND a dog", "a BREAK b",
        "negative: blurry, lowres, bad anatomy, bad hands, text, error, missing fingers",
        "ugly, tiling, poorly drawn hands, poorly drawn feet, poorly drawn face, out of frame",
    ]
    words = ["red", "cat", "sitting", "on", "a", "wooden", "chair", "in", "the", "garden,", "sunny", "day."]
    for n in (10, 30, 60, 74, 75, 76, 77, 80, 100, 200):
        p.append(" ".join(words[i % len(words)] for i in range(n)))
    p.append("a, " * 40)
    p.append("!" * 500)
    p.append("word " * 75)
    p.append("word " * 76)
    p.append("1" * 100)
    p.append("東京" * 60)
    p.append("😀" * 40)
    p.append("a <|endoftext|> " * 40)
    for i in range(40):
        p.append(f"prompt number {i}: a {['tiny', 'huge', 'blue', 'Green'][i % 4]} "
                 f"{['dragon', 'robot', 'castle', 'forest'][i // 4 % 4]} #{i * 37 % 1000}, seed={i * 7919}")
    return p


def main():
    os.makedirs(os.path.join(OUT, "tiny"), exist_ok=True)
    all_prompts = prompts()
    with tempfile.TemporaryDirectory() as tmp:
        vocab, merges = clip_vocab(49152 - 256 - 2)
        assert len(vocab) == 49408
        write_folder(tmp, vocab, merges)
        tok = CLIPTokenizer.from_pretrained(tmp)
        assert tok.bos_token_id == 49406 and tok.eos_token_id == 49407 and tok.pad_token_id == 49407
        cases = []
        for text in all_prompts:
            full = tok(text, truncation=False, add_special_tokens=True).input_ids
            padded = tok(text, padding="max_length", max_length=tok.model_max_length,
                         truncation=True).input_ids
            assert len(padded) == 77
            cases.append({"prompt": text, "ids": full, "input_ids": padded})
        doc = {"magic": MAGIC, "version": VERSION, "script": "scripts/make-tokenizer-fixtures.py",
               "transformers": transformers.__version__, "tokenizer_class": type(tok).__name__,
               "vocab_size": len(vocab), "cases": cases}
        with open(os.path.join(OUT, "clip-ids.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")

    # A small vocabulary: BPE stops early, so words split into many pieces.
    tiny_vocab, tiny_merges = clip_vocab(2000)
    folder = os.path.join(OUT, "tiny")
    write_folder(folder, tiny_vocab, tiny_merges)
    tok = CLIPTokenizer.from_pretrained(folder)
    cases = []
    for text in all_prompts[::3]:
        full = tok(text, truncation=False).input_ids
        cases.append({"prompt": text, "ids": full})
    doc = {"magic": MAGIC, "version": VERSION, "script": "scripts/make-tokenizer-fixtures.py",
           "transformers": transformers.__version__, "vocab_size": len(tiny_vocab), "cases": cases}
    with open(os.path.join(OUT, "tiny-ids.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(all_prompts)} prompts to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
