/// Hard caps on every length and count on the wire (docs/protocol.md, "Limits").
/// Each is checked before any allocation is made for the value it bounds.
public enum WireLimits {
    /// Largest frame payload (message id + body + checksum), bytes.
    public static let maxFramePayload = 16 * 1024 * 1024
    /// Largest frame payload a coordinator accepts before the peer has authenticated: the
    /// largest handshake message, its id and the frame checksum (45 bytes).
    public static let maxHandshakePayload =
        2
        + max(
            HandshakeOpen.bodySize, HandshakeChallenge.bodySize, HandshakeProof.bodySize,
            HandshakeServerProof.bodySize) + FrameChecksum.size
    /// Largest frame payload a worker or client accepts before the coordinator has proven the
    /// token: a handshake message, or the error frame saying why it refused (4108 bytes).
    public static let maxPayloadBeforeServerProof = max(
        maxHandshakePayload, 2 + 2 + 4 + ErrorMessage.maxMessage + FrameChecksum.size)
    /// Largest UTF-8 string (prompts, reasons, settings JSON), bytes.
    public static let maxString = 64 * 1024
    /// Largest name (worker, model, state), bytes.
    public static let maxName = 256
    /// Largest short token (device, sampler, schedule, settings key), bytes.
    public static let maxToken = 64
    /// Largest opaque byte blob in one frame, bytes.
    public static let maxBlob = 8 * 1024 * 1024
    /// Largest chunk of a result or an image in one frame, bytes.
    public static let maxChunk = 1024 * 1024
    /// Largest whole result file (PNG or latents) reassembled from chunks, bytes.
    public static let maxResultFile = 256 * 1024 * 1024
    /// Largest progress preview: 128 × 128 RGB.
    public static let maxPreviewSide = 128
    public static let maxPreviewBytes = maxPreviewSide * maxPreviewSide * 3
    /// Most items a credit may ask for or an assign may carry.
    public static let maxItemsPerFrame = 256
    /// Most items in one submit chunk (the sender also keeps a chunk under `submitChunkBytes`).
    public static let maxSubmitItemsPerFrame = 1024
    /// What a submitting client aims for per chunk, bytes (well under the frame limit).
    public static let submitChunkBytes = 1024 * 1024
    /// Most items in one job.
    public static let maxItemsPerJob = 1_000_000
    /// Most models a worker may announce.
    public static let maxModels = 256
    /// Most extra settings (key/value pairs) a batch may carry.
    public static let maxExtraSettings = 64
    /// Most workers and jobs in a status reply.
    public static let maxStatusWorkers = 4096
    public static let maxStatusJobs = 1000
    /// Most results per fetch page.
    public static let maxResultsPerPage = 256
    /// Largest image size and step count a batch may ask for.
    public static let maxImageSide = 16384
    public static let maxSteps = 10_000
}
