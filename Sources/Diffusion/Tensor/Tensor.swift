/// A dense Float32 tensor in row-major order (NCHW for images, [N, L, C] for sequences).
///
/// Value semantics with copy-on-write: copies share storage until one of them is written.
/// Kernels reach the elements through `withUnsafeBufferPointer` /
/// `withUnsafeMutableBufferPointer`; model code works through a `Backend`.
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    public private(set) var storage: TensorStorage

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = TensorStorage(zeroedCount: Tensor.elementCount(shape))
    }

    /// A tensor whose elements the caller must write before reading (kernels' outputs).
    public init(uninitialized shape: [Int]) {
        self.shape = shape
        self.storage = TensorStorage(uninitializedCount: Tensor.elementCount(shape))
    }

    /// A tensor holding `values` (row-major); `values.count` must match the shape.
    public init(shape: [Int], values: [Float]) {
        precondition(
            values.count == Tensor.elementCount(shape),
            "Tensor(shape: \(shape)) given \(values.count) values")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A tensor with every element `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(uninitialized: shape)
        storage.pointer.update(repeating: value, count: count)
    }

    /// Wraps existing storage (which must hold at least `shape`'s element count).
    public init(shape: [Int], storage: TensorStorage) {
        precondition(storage.count >= Tensor.elementCount(shape), "storage too small for \(shape)")
        self.shape = shape
        self.storage = storage
    }

    static func elementCount(_ shape: [Int]) -> Int {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        return shape.reduce(1, *)
    }

    /// The same elements under another shape (same element count); shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, storage: storage)
    }

    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        ensureUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Makes the storage this tensor's own and writable (copying if shared or borrowed).
    public mutating func ensureUnique() {
        if !isKnownUniquelyReferenced(&storage) || !storage.isWritable || storage.count != count {
            storage = storage.copyPrefix(count)
        }
    }

    /// Element at a multi-index (slow; for tests and small lookups).
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[flatIndex(index)] }
        set {
            let i = flatIndex(index)
            ensureUnique()
            storage.pointer[i] = newValue
        }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) for shape \(shape)")
        var flat = 0
        for (i, dim) in zip(index, shape) {
            precondition(i >= 0 && i < dim, "index \(index) out of range for \(shape)")
            flat = flat * dim + i
        }
        return flat
    }
}

extension TensorStorage {
    func copyPrefix(_ n: Int) -> TensorStorage {
        let new = TensorStorage(uninitializedCount: n)
        new.pointer.update(from: pointer, count: n)
        return new
    }
}
