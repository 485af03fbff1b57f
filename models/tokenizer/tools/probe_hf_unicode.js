// Dumps the Unicode facts that Hugging Face tokenizers' own engines use, by asking them about every
// code point: the class GPT-2's pre-tokenizer regex (Oniguruma) gives it, and what the NFC/NFD/NFKD
// normalizers (unicode-normalization-alignments) know about it. Output: JSON on stdout, ranges of
// code points per fact; make_hf_unicode_tables.py turns it into hf_unicode_tables.cpp.
//
//   npm install tokenizers@0.23.2          (in a scratch folder; the package ships its native binding)
//   NODE_PATH=<scratch>/node_modules node probe_hf_unicode.js > hf_unicode.json
const t = require('tokenizers');

const pre = t.byteLevelPreTokenizer(false, true);
const nfd = t.nfdNormalizer(), nfkd = t.nfkdNormalizer();
const facts = { letter: [], number: [], space: [], combining: [], canonical: [], compat: [] };

function add(list, cp) {
  const last = list[list.length - 1];
  if (last && last[1] === cp - 1) last[1] = cp;
  else list.push([cp, cp]);
}

// "a" + c is one pre-token exactly when c is a letter (\p{L}+), "1" + c when c is a number, and
// "\t" + c when c is whitespace (\s+ at the end of the text); anything else splits.
const probes = [['letter', 'a'], ['number', '1'], ['space', '\t']];

for (let cp = 0; cp < 0x110000; cp++) {
  if (cp >= 0xD800 && cp < 0xE000) continue;  // surrogates: not scalar values, never in UTF-8
  const c = String.fromCodePoint(cp);
  for (const [name, prefix] of probes) {
    if (pre.preTokenizeString(prefix + c).length === 1) { add(facts[name], cp); break; }
  }
  const d = nfd.normalizeString(c);
  if (d !== c) add(facts.canonical, cp);
  if (nfkd.normalizeString(c) !== c) add(facts.compat, cp);
  // A non-zero combining class shows as canonical reordering against U+0345 (ccc 240) before it
  // or U+0334 (ccc 1) after it. Only asked of characters that do not decompose: normalization
  // looks at the class of decomposed characters only.
  if (d === c && (nfd.normalizeString('\u0345' + c) !== '\u0345' + c || nfd.normalizeString(c + '\u0334') !== c + '\u0334'))
    add(facts.combining, cp);
}
process.stdout.write(JSON.stringify({ tokenizers: require('tokenizers/package.json').version, facts }) + '\n');
