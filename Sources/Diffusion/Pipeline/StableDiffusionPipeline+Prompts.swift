// Follows StableDiffusionPipeline.encode_prompt (diffusers 0.42): max-length padding and
// truncation, the empty prompt as the negative when none is given.

extension StableDiffusionPipeline {
    /// Text-encoder hidden states for the U-Net's batch: with guidance [negatives; prompts]
    /// ([2B, L, C]), without [prompts] ([B, L, C]). Each distinct text is encoded once. Clip
    /// skip applies to prompts and negatives alike (as A1111 does; diffusers' `clip_skip`
    /// skips only on the prompt).
    func encodeContext(_ request: GenerationRequest) throws -> (context: Tensor, truncated: [String]) {
        let prompts = request.images.map(\.prompt)
        let texts = request.usesGuidance ? request.images.map(\.negativePrompt) + prompts : prompts
        var unique: [String] = []
        var row: [String: Int] = [:]
        for text in texts where row[text] == nil {
            row[text] = unique.count
            unique.append(text)
        }
        var truncated: [String] = []
        let ids: [[Int32]] = unique.map { text in
            if tokenizer.contentIDs(text).count > tokenizer.maxLength - 2 { truncated.append(text) }
            return tokenizer.inputIDs(text).map { Int32($0) }
        }
        let hidden = try textEncoder(ids, clipSkip: request.clipSkip, backend: backend)  // [U, L, C]
        let (length, width) = (hidden.shape[1], hidden.shape[2])
        let perRow = length * width
        var context = Tensor(uninitialized: [texts.count, length, width])
        context.withUnsafeMutableBufferPointer { out in
            hidden.withUnsafeBufferPointer { source in
                for (i, text) in texts.enumerated() {
                    (out.baseAddress! + i * perRow).update(
                        from: source.baseAddress! + row[text]! * perRow, count: perRow)
                }
            }
        }
        return (context, truncated)
    }
}
