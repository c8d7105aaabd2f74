import Dispatch
import Synchronization

/// Wraps a backend and accounts time and floating-point work per operation, to show where the
/// time goes (`sdfarm bench vae`). FLOPs count multiply-adds as 2 and only the GEMM-shaped
/// operations (convolution, linear, attention); the rest is reported as time only.
public final class ProfilingBackend: Backend {
    public struct Entry: Sendable {
        public var calls = 0
        public var seconds = 0.0
        public var flops = 0.0
    }

    public let inner: any Backend
    private let table = Mutex<[String: Entry]>([:])

    public init(_ inner: any Backend) { self.inner = inner }
    public var name: String { "profiling(\(inner.name))" }

    /// Accumulated entries by operation name.
    public var entries: [String: Entry] { table.withLock { $0 } }

    private func measure(_ op: String, flops: Double = 0, _ body: () -> Tensor) -> Tensor {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        table.withLock { t in
            t[op, default: Entry()].calls += 1
            t[op, default: Entry()].seconds += seconds
            t[op, default: Entry()].flops += flops
        }
        return result
    }

    public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D) -> Tensor
    {
        let k = weight.shape[2]
        let oh = convOutputSize(
            x.shape[2], kernel: k, stride: stride, padBefore: padding.top, padAfter: padding.bottom)
        let ow = convOutputSize(
            x.shape[3], kernel: k, stride: stride, padBefore: padding.left, padAfter: padding.right)
        let flops = 2.0 * Double(x.shape[0] * weight.count) * Double(oh * ow)
        return measure("conv2d \(k)×\(k)", flops: flops) {
            inner.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
        }
    }

    public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        measure("linear", flops: 2.0 * Double(x.count / weight.shape[1]) * Double(weight.count)) {
            inner.linear(x, weight: weight, bias: bias)
        }
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor, bias: Tensor, epsilon: Float, silu: Bool)
        -> Tensor
    {
        measure(silu ? "groupNorm+SiLU" : "groupNorm") {
            inner.groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon, silu: silu)
        }
    }

    public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, epsilon: Float) -> Tensor {
        measure("layerNorm") { inner.layerNorm(x, weight: weight, bias: bias, epsilon: epsilon) }
    }

    public func activation(_ x: Tensor, _ kind: Activation) -> Tensor {
        measure(kind.rawValue) { inner.activation(x, kind) }
    }

    public func geglu(_ x: Tensor) -> Tensor { measure("geglu") { inner.geglu(x) } }
    public func softmax(_ x: Tensor) -> Tensor { measure("softmax") { inner.softmax(x) } }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool) -> Tensor {
        let flops =
            4.0 * Double(query.shape[0]) * Double(query.shape[1]) * Double(key.shape[1])
            * Double(query.shape[2])
        return measure("attention", flops: flops) {
            inner.attention(query: query, key: key, value: value, heads: heads, causal: causal)
        }
    }

    public func upsampleNearest(_ x: Tensor, height: Int, width: Int) -> Tensor {
        measure("upsample") { inner.upsampleNearest(x, height: height, width: width) }
    }

    public func concatChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        measure("concat") { inner.concatChannels(a, b) }
    }
    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { measure("add") { inner.add(a, b) } }
    public func addPerChannel(_ x: Tensor, _ values: Tensor) -> Tensor {
        measure("addPerChannel") { inner.addPerChannel(x, values) }
    }
    public func scale(_ x: Tensor, by factor: Float) -> Tensor {
        measure("scale") { inner.scale(x, by: factor) }
    }
    public func imageToTokens(_ x: Tensor) -> Tensor { measure("layout") { inner.imageToTokens(x) } }
    public func tokensToImage(_ x: Tensor, height: Int, width: Int) -> Tensor {
        measure("layout") { inner.tokensToImage(x, height: height, width: width) }
    }
    public func embedding(_ ids: [Int32], table: Tensor) -> Tensor {
        measure("embedding") { inner.embedding(ids, table: table) }
    }
}
