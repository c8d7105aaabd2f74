import NIOCore
import Testing

@testable import FarmProtocol

/// The farm's shared vocabulary: render settings and render failures, as every layer and the
/// wire see them.
@Suite("Protocol: vocabulary")
struct VocabularyTests {
    static let philox = RenderSettings(
        model: "sd15", width: 512, height: 768, steps: 25, sampler: "euler_a", schedule: "karras", cfg: 7.5,
        rng: "philox", timestepSpacing: "trailing")

    @Test func optionalSettingsTravelAsExtrasOnlyWhenNotDefault() throws {
        #expect(plainSpec.extras.isEmpty)
        #expect(Self.philox.extras == ["rng": "philox", "timestep_spacing": "trailing"])
        var b = ByteBuffer()
        Self.philox.encode(into: &b)
        #expect(try RenderSettings.decode(from: &b) == Self.philox)
        #expect(b.readableBytes == 0)
    }

    @Test func aSettingTheReceiverDoesNotKnowIsRefusedNotDropped() {
        var b = ByteBuffer()
        var bare = plainSpec
        bare.rng = RenderSettings.defaultRNG
        bare.encode(into: &b)
        b.moveWriterIndex(to: b.writerIndex - 2)
        b.writeInteger(UInt16(1))
        b.wireWriteString("clip_skip")
        b.wireWriteString("2")
        #expect(throws: ProtocolError.unknownSetting("clip_skip")) { try RenderSettings.decode(from: &b) }
        var settings = plainSpec
        #expect(throws: UnknownRenderSetting(name: "clip_skip")) {
            try settings.apply(extras: ["clip_skip": "2"])
        }
    }

    @Test func batchKeyAndWireAgreeOnEveryOptionalSetting() throws {
        // Whatever a setting is called on the wire is what the stored key calls it.
        let key = try #require(RenderSettings(batchKey: Self.philox.batchKey))
        #expect(key == Self.philox)
        for name in RenderSettings.optionalSettingNames {
            #expect(Self.philox.batchKey.contains("\"\(name)\""))
        }
    }

    @Test func failureKindsKeepTheirWireValues() {
        #expect(RenderFailure.Kind.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(RenderFailure.Kind.allCases.filter { !RenderFailure($0, "").retryable } == [.invalidRequest])
    }

    @Test func aFailureMarkedNotRetryableReadsAsAnInvalidRequest() throws {
        var b = ByteBuffer()
        b.wireWriteID(5)
        b.writeInteger(UInt64(2))
        b.wireWriteBool(false)
        b.writeInteger(RenderFailure.Kind.outOfMemory.rawValue)
        b.wireWriteString("never fits")
        let f = try Failure.decode(frame: Frame(messageID: Failure.rawID, body: b))
        #expect(f.failure == .invalidRequest("never fits"))
    }

    @Test func everyFailureKindRoundTrips() throws {
        for kind in RenderFailure.Kind.allCases {
            let f = Failure(itemID: 9, fence: 3, failure: RenderFailure(kind, "why"))
            #expect(try Failure.decode(frame: f.frame()) == f)
        }
    }
}
