/// Element types a safetensors header can name. The engine computes in Float32 and converts
/// F16 and BF16 as tensors are loaded; the integer types are only recognised (checkpoints carry
/// e.g. an I64 `position_ids`) so that the file validates and the tensor can be skipped.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"
    case u16 = "U16", u32 = "U32", u64 = "U64", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
        }
    }

    /// Whether `SafetensorsFile.tensor(_:)` can convert it to Float32.
    public var isFloatingLoadable: Bool { self == .f32 || self == .f16 || self == .bf16 }
}
