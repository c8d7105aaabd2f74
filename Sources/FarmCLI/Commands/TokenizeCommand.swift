import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm tokenize TEXT`: the CLIP token ids of a prompt, and what the 77-position limit cuts.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print a prompt's CLIP token ids (BOS … EOS, no padding) and the count against the limit.")

    @Argument(help: "The prompt text.")
    var text: String

    @Option(
        help:
            "A diffusers model folder (its tokenizer/ is used) or a checkpoint file; default: the bundled CLIP vocabulary."
    )
    var model: String?

    func validate() throws {
        if let model, !FileManager.default.fileExists(atPath: model) {
            throw ValidationError("--model \(model): no such file or folder")
        }
    }

    func run() throws {
        let tokenizer = try CLIPTokenizer.forModel(at: model.map { URL(fileURLWithPath: $0) })
        let ids = tokenizer.encode(text)
        print(ids.map(String.init).joined(separator: " "))
        let limit = tokenizer.maxLength
        guard ids.count > limit else {
            print("\(ids.count) of \(limit) tokens")
            return
        }
        // The pipeline keeps BOS, the first limit − 2 ids and EOS.
        let cut = Array(ids[(limit - 1)..<(ids.count - 1)])
        print(
            "\(ids.count) tokens, over the limit of \(limit): \(cut.count) cut, the text encoder sees "
                + "BOS, the first \(limit - 2) and EOS")
        print("cut: \(tokenizer.decode(cut))")
    }
}
