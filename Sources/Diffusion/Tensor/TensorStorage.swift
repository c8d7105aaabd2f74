import Foundation

/// The memory behind a tensor: Float32 elements, 64-byte aligned when the engine allocates
/// them (large buffers are recycled through `BufferPool`), or borrowed read-only from a memory-mapped checkpoint (the `owner` keeps the mapping
/// alive). A storage is written only while one tensor holds it (see `Tensor.ensureUnique`), so
/// sharing it across threads is safe.
public final class TensorStorage: @unchecked Sendable {
    /// Byte alignment of engine allocations (a cache line; also enough for AVX-512 loads).
    public static let alignment = 64

    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    /// False for memory borrowed from a read-only mapping: writing it would fault.
    public let isWritable: Bool
    private let owner: AnyObject?
    private let ownsMemory: Bool

    /// Allocates `count` uninitialised floats (aligned). Callers fill them before reading.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = BufferPool.allocate(bytes: bytes, alignment: Self.alignment)
        EngineMemory.allocated(bytes)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
        self.isWritable = true
        self.owner = nil
        self.ownsMemory = true
    }

    /// Allocates `count` floats set to zero.
    public convenience init(zeroedCount count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// Borrows `count` floats at `pointer`, kept valid by `owner` (a memory mapping).
    init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.isWritable = false
        self.owner = owner
        self.ownsMemory = false
    }

    deinit {
        if ownsMemory {
            let bytes = max(count, 1) * MemoryLayout<Float>.stride
            BufferPool.release(UnsafeMutableRawPointer(pointer), bytes: bytes)
            EngineMemory.released(bytes)
        }
    }
}
