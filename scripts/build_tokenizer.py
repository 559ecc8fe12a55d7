"""Build the trimmed CLIP tokenizer shipped with the tiny model (a one-off dev tool).

The full CLIP BPE vocabulary (``bpe_simple_vocab_16e6.txt.gz``, MIT licence, as shipped
in the ``open-clip-torch`` package) has 49,408 tokens; its embedding table would be
most of a tiny model. This keeps the 512 byte-level tokens, every merge that fires when
tokenizing the project's words, and the specials. BPE applies the lowest-ranked merge
present, so dropping merges that never fire on these words leaves their tokenization
unchanged; any other text still tokenizes (into smaller pieces).

Usage: python scripts/build_tokenizer.py BPE_GZ OUT_DIR
"""

import gzip
import json
import os
import sys
import tempfile

from transformers import CLIPTokenizer

WORDS = """
red green blue yellow orange purple violet white black grey gray pink brown
ball sphere cube box block cylinder can tube cone mug cup object thing toy item
small large big little tiny huge
a an the of photo picture image this that one on in at to and with me please
pick up grab find get take show point look for where is it
left right leftmost rightmost top bottom upper lower middle center centre front back
near nearest closest far farthest furthest largest biggest smallest
banana teddy bear apple bottle phone book chair laptop
""".split()


def bpe_table(path):
    lines = gzip.open(path).read().decode('utf-8').split('\n')
    return [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]


def main():
    bpe_gz, out = sys.argv[1], sys.argv[2]
    merges = bpe_table(bpe_gz)
    byte_tokens = list(json.loads(_byte_vocab_json()).keys())
    full_vocab = byte_tokens + [t + '</w>' for t in byte_tokens]
    full_vocab += [''.join(m) for m in merges] + ['<|startoftext|>', '<|endoftext|>']
    tmp = tempfile.mkdtemp()
    _write(tmp, full_vocab, merges)
    full = CLIPTokenizer(os.path.join(tmp, 'vocab.json'), os.path.join(tmp, 'merges.txt'))
    fired = set()
    rank = {m: i for i, m in enumerate(merges)}
    for word in WORDS:
        fired |= _merges_fired(word, rank)
    kept = [m for m in merges if m in fired]
    vocab = byte_tokens + [t + '</w>' for t in byte_tokens] + [''.join(m) for m in kept]
    vocab += ['<|startoftext|>', '<|endoftext|>']
    os.makedirs(out, exist_ok=True)
    _write(out, vocab, kept)
    small = CLIPTokenizer(os.path.join(out, 'vocab.json'), os.path.join(out, 'merges.txt'),
                          model_max_length=32)
    for text in WORDS + ['a photo of a red ball.', 'pick up the small blue mug on the left']:
        a = full.convert_ids_to_tokens(full(text)['input_ids'])
        b = small.convert_ids_to_tokens(small(text)['input_ids'])
        assert a == b, (text, a, b)
    small.save_pretrained(out)
    print(f'kept {len(kept)} of {len(merges)} merges; vocabulary {len(vocab)}')


def _merges_fired(word, rank):
    parts = list(word[:-1]) + [word[-1] + '</w>']
    fired = set()
    while len(parts) > 1:
        pairs = [(parts[i], parts[i + 1]) for i in range(len(parts) - 1)]
        best = min(pairs, key=lambda p: rank.get(p, float('inf')))
        if best not in rank:
            break
        fired.add(best)
        merged, i = [], 0
        while i < len(parts):
            if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                merged.append(parts[i] + parts[i + 1])
                i += 2
            else:
                merged.append(parts[i])
                i += 1
        parts = merged
    return fired


def _byte_vocab_json():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1))
    bs += list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return json.dumps({chr(c): i for i, c in enumerate(cs)})


def _write(folder, vocab, merges):
    with open(os.path.join(folder, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump({t: i for i, t in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n')
        f.writelines(' '.join(m) + '\n' for m in merges)


if __name__ == '__main__':
    main()
