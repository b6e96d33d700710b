// The UTF-8 decoder the parsers stream through (read/encoding.ts: Node's StringDecoder, for speed) must give
// exactly what TextDecoder gives: the same U+FFFD for every invalid sequence, wherever the chunks are cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDecoder } from 'node:util';
import { createDecoder } from '../../server/src/core/read/encoding';

function seeded(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Bytes that are mostly the start of multi-byte sequences, continuations and ASCII: every kind of broken UTF-8. */
function soup(random: () => number, n: number): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const r = random();
    bytes[i] =
      r < 0.35
        ? 0x41 + (i % 26)
        : r < 0.55
          ? 0x80 + Math.floor(random() * 64)
          : r < 0.7
            ? 0xc0 + Math.floor(random() * 32)
            : r < 0.82
              ? 0xe0 + Math.floor(random() * 16)
              : r < 0.92
                ? 0xf0 + Math.floor(random() * 16)
                : Math.floor(random() * 256);
  }
  if (n >= 3 && random() < 0.1) bytes.set([0xef, 0xbb, 0xbf], 0); // a BOM is kept as U+FEFF (the parsers skip it themselves)
  return bytes;
}

test('UTF-8: streamed in random chunks, the decoder gives what TextDecoder gives, on 20,000 runs of broken bytes', () => {
  const random = seeded(3);
  for (let run = 0; run < 20_000; run++) {
    const bytes = soup(random, 1 + Math.floor(random() * 80));
    const cuts = [0];
    for (let i = 1; i < bytes.length; i++) if (random() < 0.25) cuts.push(i);
    cuts.push(bytes.length);
    const reference = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    const ours = createDecoder('utf-8');
    let expected = '';
    let got = '';
    for (let c = 1; c < cuts.length; c++) {
      const chunk = bytes.subarray(cuts[c - 1], cuts[c]);
      expected += reference.decode(chunk, { stream: true });
      got += ours.decode(chunk, { stream: true });
    }
    expected += reference.decode();
    got += ours.decode();
    assert.equal(got, expected, `${bytes.toString('hex')} cut at ${cuts.join(',')}`);
  }
});

test('UTF-8: a decoder is reusable after a final decode, and decodes a whole buffer in one call', () => {
  const decoder = createDecoder('utf-8');
  assert.equal(decoder.decode(Buffer.from([0xe2, 0x82]), { stream: true }), '');
  assert.equal(decoder.decode(), '\ufffd', 'a cut sequence at the end is one U+FFFD');
  assert.equal(decoder.decode(Buffer.from('Grüße €')), 'Grüße €');
  assert.equal(decoder.decode(Buffer.from([0xf0, 0x9f, 0x98])), '\ufffd');
});
