import Foundation
import Testing

@testable import Diffusion

@Suite struct NPYFileTests {
    @Test func roundTripAndHeaderAsNumpyWritesIt() throws {
        let values: [Float] = (0..<24).map { Float($0) * 0.25 - 3 }
        let data = try NPYFile.encode(values, shape: [1, 4, 2, 3])
        let header = String(decoding: data[10..<128], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4, 2, 3), }"))
        #expect(data.count == 128 + 96)
        let back = try NPYFile.decode(data)
        #expect(back.shape == [1, 4, 2, 3] && back.values == values)
    }

    @Test func badFilesAreRefused() throws {
        let data = try NPYFile.encode([1, 2, 3], shape: [3])
        #expect { try NPYFile.decode(data.prefix(data.count - 1), name: "a.npy") } throws: {
            "\($0)".contains("a.npy")
        }
        #expect { try NPYFile.decode(Data("hello".utf8)) } throws: { "\($0)".contains("not a .npy") }
        #expect(throws: ImagingError.self) { try NPYFile.encode([1, 2], shape: [3]) }
    }
}
