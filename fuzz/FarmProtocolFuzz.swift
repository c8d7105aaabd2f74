// libFuzzer entry point over the farm protocol (scripts/fuzz; docs/protocol.md). Compiled by
// scripts/fuzz together with Sources/FarmProtocol and Tests/FarmProtocolTests/MessageSamples.swift
// into one module, with `swiftc -sanitize=fuzzer`.
//
// Input: byte 0 picks the target, the rest is its bytes.
//   0: a byte stream through the frame decoder, cut at a point the input chooses (so the
//      incremental path is taken), each frame decoded by every direction's table and every
//      handshake message; what decodes must survive an encode → decode round trip unchanged.
//   1: the server's handshake fed frames from the input (open, then proof).
//   2: the client's handshake fed frames from the input (challenge, then the server's proof).
// Any crash, precondition failure or a round trip that changes a message is a finding.

import Foundation
import NIOCore

let workerToken = Array("fuzz-worker-token-0123456789abcdef".utf8)
let clientToken = Array("fuzz-client-token-0123456789abcdef".utf8)

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    if let dir = ProcessInfo.processInfo.environment["SDFARM_FUZZ_WRITE_CORPUS"] {
        writeCorpus(dir)
        exit(0)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0: fuzzFrames(bytes)
    case 1: fuzzServerHandshake(bytes)
    default: fuzzClientHandshake(bytes)
    }
    return 0
}

/// The frames in `bytes` as the decoder finds them, with the same limit as the coordinator
/// after authentication (or, when `preAuth`, before).
func frames(_ bytes: [UInt8], preAuth: Bool = false) -> [Frame] {
    var buffer = ByteBuffer(bytes: bytes)
    var out: [Frame] = []
    let limit = preAuth ? WireLimits.maxHandshakePayload : WireLimits.maxFramePayload
    while let f = try? FrameDecoder.parse(&buffer, maxPayload: limit) { out.append(f) }
    return out
}

func fuzzFrames(_ bytes: [UInt8]) {
    // Incremental: the first part alone, then all of it; frames found in the first part must
    // be the first frames found in the whole.
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var whole = ByteBuffer(bytes: bytes)
    var part = ByteBuffer(bytes: bytes[0..<cut])
    var early: [Frame] = []
    while let f = try? FrameDecoder.parse(&part) { early.append(f) }
    var all: [Frame] = []
    while let f = try? FrameDecoder.parse(&whole) { all.append(f) }
    precondition(early.count <= all.count && zip(early, all).allSatisfy { $0 == $1 }, "incremental decoding disagrees with whole decoding")

    for frame in all {
        for direction in [Sample.Direction.handshake, .fromWorker, .toWorker, .fromClient, .toClient] {
            guard let message = try? decodeAsReceiver(frame, direction) else { continue }
            let again: any WireMessage
            do {
                again = try decodeAsReceiver(message.frame(), direction)
            } catch {
                preconditionFailure("\(type(of: message)) decoded but its own encoding did not: \(error)")
            }
            precondition(same(message, again), "\(type(of: message)) changed in an encode → decode round trip")
        }
    }
}

func fuzzServerHandshake(_ bytes: [UInt8]) {
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    for frame in frames(bytes, preAuth: true) {
        switch frame.messageID {
        case HandshakeOpen.rawID:
            guard let open = try? HandshakeOpen.decode(frame: frame), let challenge = try? server.receive(open) else { continue }
            precondition(challenge.frame().body.readableBytes == HandshakeChallenge.bodySize)
        case HandshakeProof.rawID:
            guard let proof = try? HandshakeProof.decode(frame: frame) else { continue }
            if let (role, reply) = try? server.receive(proof) {
                // Only a right proof gets the server's proof: random bytes never should.
                preconditionFailure("a fuzzed proof was accepted for \(role): \(reply)")
            }
        default:
            continue
        }
    }
}

func fuzzClientHandshake(_ bytes: [UInt8]) {
    var client = ClientHandshake(role: .worker, token: workerToken)
    _ = client.start()
    for frame in frames(bytes, preAuth: true) {
        switch frame.messageID {
        case HandshakeChallenge.rawID:
            guard let challenge = try? HandshakeChallenge.decode(frame: frame) else { continue }
            _ = try? client.receive(challenge)
        case HandshakeServerProof.rawID:
            guard let proof = try? HandshakeServerProof.decode(frame: frame) else { continue }
            if (try? client.receive(proof)) != nil {
                preconditionFailure("a fuzzed server proof was accepted")
            }
        default:
            continue
        }
    }
}

/// The seed corpus: every sample message as a frame (target 0), and valid handshake openings
/// for both state machines (targets 1 and 2).
func writeCorpus(_ dir: String) {
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    func write(_ name: String, _ target: UInt8, _ frames: [Frame]) {
        var b = ByteBuffer()
        b.writeInteger(target)
        for f in frames { FrameEncoder.write(f, into: &b) }
        _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data(b.readableBytesView))
    }
    for (i, sample) in samples.enumerated() {
        write("frame-\(i < 10 ? "0" : "")\(i)-\(sample)", 0, [sample.message.frame()])
    }
    let nonce = [UInt8](repeating: 0x11, count: 32)
    write("server-handshake", 1, [HandshakeOpen(role: .client, clientNonce: nonce).frame(), HandshakeProof(clientProof: nonce).frame()])
    write("client-handshake", 2, [HandshakeChallenge(serverNonce: nonce).frame(), HandshakeServerProof(serverProof: nonce).frame()])
}
