// Follows bpe() in openai/CLIP clip/simple_tokenizer.py (same results as the `tokenizers` BPE
// model with end_of_word_suffix "</w>").

extension BPEVocabulary {
    /// The token ids of one word given as UTF-8 bytes: one symbol per byte (the last one with
    /// `</w>`), then repeatedly every occurrence of the lowest-ranked mergeable pair is merged,
    /// left to right. A byte the vocabulary lacks becomes `unknownID`.
    func merge(_ bytes: [UInt8], unknownID: Int32) -> [Int32] {
        guard let last = bytes.last else { return [] }
        var symbols = bytes.dropLast().map { byteIDs[Int($0)] }
        symbols.append(byteEndIDs[Int(last)])
        for i in symbols.indices where symbols[i] < 0 { symbols[i] = unknownID }
        while symbols.count > 1 {
            var best: Merge?
            var pair: (Int32, Int32) = (0, 0)
            for i in 0..<(symbols.count - 1) {
                if let m = merges[Self.pairKey(symbols[i], symbols[i + 1])], m.rank < (best?.rank ?? .max) {
                    best = m
                    pair = (symbols[i], symbols[i + 1])
                }
            }
            guard let best else { break }
            var merged: [Int32] = []
            merged.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, symbols[i] == pair.0, symbols[i + 1] == pair.1 {
                    merged.append(best.result)
                    i += 2
                } else {
                    merged.append(symbols[i])
                    i += 1
                }
            }
            symbols = merged
        }
        return symbols
    }
}
