import Foundation

extension UNetConfig {
    /// Reads diffusers' `unet/config.json`. Keys left out take diffusers' defaults (those of
    /// UNet2DConditionModel.__init__); keys that select a feature this U-Net does not implement
    /// (class or addition embeddings, other block types, …) are rejected by name unless they hold
    /// their default value.
    public init(json data: Data, source: String) throws {
        func fail(_ message: String) -> UNetError { UNetError(source, message) }
        let reader = try JSONConfigReader(data: data, source: source)
        self.init()

        if let name = try reader.string("_class_name"), name != "UNet2DConditionModel" {
            throw fail("_class_name is \(name); only UNet2DConditionModel is supported")
        }
        blockOutChannels = try reader.intList("block_out_channels") ?? blockOutChannels
        let levels = blockOutChannels.count
        inChannels = try reader.int("in_channels") ?? inChannels
        outChannels = try reader.int("out_channels") ?? outChannels
        if let size = try reader.intOrList("sample_size", levels: 2) { sampleSize = size }
        flipSinToCos = try reader.bool("flip_sin_to_cos") ?? flipSinToCos
        freqShift = try reader.int("freq_shift") ?? freqShift
        if let names = try reader.stringList("down_block_types") {
            downBlockTypes = try names.map {
                guard let kind = DownBlockKind(rawValue: $0) else {
                    throw fail("down block type \($0) is not supported (CrossAttnDownBlock2D, DownBlock2D)")
                }
                return kind
            }
        } else if levels != 4 {
            throw fail("down_block_types is missing and the default has 4 levels, not \(levels)")
        }
        if let names = try reader.stringList("up_block_types") {
            upBlockTypes = try names.map {
                guard let kind = UpBlockKind(rawValue: $0) else {
                    throw fail("up block type \($0) is not supported (CrossAttnUpBlock2D, UpBlock2D)")
                }
                return kind
            }
        } else if levels != 4 {
            throw fail("up_block_types is missing and the default has 4 levels, not \(levels)")
        }
        layersPerBlock =
            try reader.intOrList("layers_per_block", levels: levels) ?? Array(repeating: 2, count: levels)
        crossAttentionDim =
            try reader.intOrList("cross_attention_dim", levels: levels)
            ?? Array(repeating: 1280, count: levels)
        transformerLayersPerBlock =
            try reader.intOrList("transformer_layers_per_block", levels: levels)
            ?? Array(repeating: 1, count: levels)
        // diffusers: num_attention_heads = num_attention_heads or attention_head_dim.
        attentionHeads =
            try reader.intOrList("num_attention_heads", levels: levels)
            ?? reader.intOrList("attention_head_dim", levels: levels) ?? Array(repeating: 8, count: levels)
        midBlockScaleFactor = try reader.float("mid_block_scale_factor") ?? midBlockScaleFactor
        if let groups = try reader.int("norm_num_groups") {
            normNumGroups = groups
        } else if reader.isNull("norm_num_groups") {
            throw fail("norm_num_groups null (no normalisation) is not supported")
        }
        normEpsilon = try reader.float("norm_eps") ?? normEpsilon
        useLinearProjection = try reader.bool("use_linear_projection") ?? useLinearProjection
        convInKernel = try reader.int("conv_in_kernel") ?? convInKernel
        convOutKernel = try reader.int("conv_out_kernel") ?? convOutKernel
        timeEmbeddingDim = try reader.int("time_embedding_dim")

        // Features outside the SD 1.x/2.x U-Net: accepted only at their default value.
        try reader.requireDefault("act_fn", "silu")
        try reader.requireDefault("mid_block_type", "UNetMidBlock2DCrossAttn")
        try reader.requireDefault("time_embedding_type", "positional")
        try reader.requireDefault("resnet_time_scale_shift", "default")
        try reader.requireDefault("attention_type", "default")
        try reader.requireDefault("downsample_padding", 1)
        try reader.requireDefault("center_input_sample", false)
        try reader.requireDefault("dual_cross_attention", false)
        try reader.requireDefault("class_embeddings_concat", false)
        try reader.requireFalseOrNull("only_cross_attention")
        try reader.requireFalseOrNull("mid_block_only_cross_attention")
        for key in [
            "class_embed_type", "addition_embed_type", "num_class_embeds", "encoder_hid_dim",
            "encoder_hid_dim_type", "time_cond_proj_dim", "time_embedding_act_fn", "timestep_post_act",
            "cross_attention_norm", "projection_class_embeddings_input_dim",
            "reverse_transformer_layers_per_block",
        ] {
            try reader.requireNull(key)
        }
        try validate(source: source)
    }

    /// Reads and parses `path` (a `unet/config.json`).
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UNetError(path, "cannot read the U-Net config (\(error.localizedDescription))")
        }
        try self.init(json: data, source: path)
    }
}

/// A JSON value as a config file holds it (booleans kept apart from numbers).
enum ConfigJSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([ConfigJSONValue]), object(
        [String: ConfigJSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([ConfigJSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: ConfigJSONValue].self))
        }
    }

    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.text).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}

/// Typed access to a config JSON object; every mismatch names the key and the file.
struct JSONConfigReader {
    let object: [String: ConfigJSONValue]
    let source: String

    init(data: Data, source: String) throws {
        self.source = source
        let parsed: ConfigJSONValue
        do { parsed = try JSONDecoder().decode(ConfigJSONValue.self, from: data) } catch {
            throw UNetError(source, "not valid JSON (\(error))")
        }
        guard case .object(let object) = parsed else { throw UNetError(source, "not a JSON object") }
        self.object = object
    }

    private func fail(_ key: String, _ message: String) -> UNetError {
        UNetError(source, "\(key): \(message)")
    }

    func has(_ key: String) -> Bool { value(key) != nil }
    func isNull(_ key: String) -> Bool { if case .null = object[key] { return true } else { return false } }

    private func value(_ key: String) -> ConfigJSONValue? {
        guard let v = object[key] else { return nil }
        if case .null = v { return nil }
        return v
    }

    private func integer(_ v: ConfigJSONValue, _ key: String) throws -> Int {
        guard case .number(let n) = v, let i = Int(exactly: n) else {
            throw fail(key, "expected an integer, found \(v.text)")
        }
        return i
    }

    func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        return try integer(v, key)
    }

    func float(_ key: String) throws -> Float? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v else { throw fail(key, "expected a number, found \(v.text)") }
        return Float(n)
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw fail(key, "expected true or false, found \(v.text)") }
        return b
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw fail(key, "expected a string, found \(v.text)") }
        return s
    }

    func intList(_ key: String) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        guard case .array(let list) = v else {
            throw fail(key, "expected a list of integers, found \(v.text)")
        }
        return try list.map { try integer($0, key) }
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let list) = v else { throw fail(key, "expected a list of names, found \(v.text)") }
        return try list.map {
            guard case .string(let s) = $0 else {
                throw fail(key, "expected a list of names, found \(v.text)")
            }
            return s
        }
    }

    /// An integer meaning "the same for every level", or a list with one entry per level.
    func intOrList(_ key: String, levels: Int) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        if case .array = v {
            let list = try intList(key)!
            guard list.count == levels else {
                throw fail(key, "has \(list.count) entries for \(levels) levels")
            }
            return list
        }
        return Array(repeating: try integer(v, key), count: levels)
    }

    func requireDefault(_ key: String, _ expected: String) throws {
        guard let v = value(key) else { return }
        guard case .string(let s) = v, s == expected else {
            throw fail(key, "\(v.text) is not supported (only \"\(expected)\")")
        }
    }

    func requireDefault(_ key: String, _ expected: Int) throws {
        guard let v = value(key) else { return }
        guard try integer(v, key) == expected else {
            throw fail(key, "\(v.text) is not supported (only \(expected))")
        }
    }

    func requireDefault(_ key: String, _ expected: Bool) throws {
        guard let v = try bool(key) else { return }
        guard v == expected else { throw fail(key, "\(v) is not supported (only \(expected))") }
    }

    func requireFalseOrNull(_ key: String) throws {
        guard let v = value(key) else { return }
        if case .bool(false) = v { return }
        if case .array(let list) = v,
            list.allSatisfy({ if case .bool(false) = $0 { return true } else { return false } })
        {
            return
        }
        throw fail(key, "\(v.text) is not supported (only false)")
    }

    func requireNull(_ key: String) throws {
        guard let v = value(key) else { return }
        throw fail(key, "\(v.text) is not supported (only null)")
    }
}
