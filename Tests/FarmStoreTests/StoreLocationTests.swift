import Testing

@testable import FarmStore

@Suite struct StoreLocationTests {
    @Test func urlsPickTheBackend() throws {
        #expect(
            try StoreLocation.resolve("postgres://u@h/db", dataDirectory: "/d", environment: [:])
                == .postgres(url: "postgres://u@h/db"))
        #expect(
            try StoreLocation.resolve("postgresql:///db?host=/tmp", dataDirectory: "/d", environment: [:])
                == .postgres(url: "postgresql:///db?host=/tmp"))
        #expect(
            try StoreLocation.resolve("sqlite:///var/farm.db", dataDirectory: "/d", environment: [:])
                == .sqlite(path: "/var/farm.db"))
        #expect(
            try StoreLocation.resolve("sqlite:farm.db", dataDirectory: "/d", environment: [:])
                == .sqlite(path: "farm.db"))
        #expect(
            try StoreLocation.resolve("/srv/jobs.sqlite", dataDirectory: "/d", environment: [:])
                == .sqlite(path: "/srv/jobs.sqlite"))
        #expect(throws: StoreError.self) {
            try StoreLocation.resolve("mysql://x", dataDirectory: "/d", environment: [:])
        }
    }

    @Test func theEnvironmentThenTheDataDirectoryAreTheFallbacks() throws {
        #expect(
            try StoreLocation.resolve(
                nil, dataDirectory: "/d", environment: ["SDFARM_DATABASE_URL": "postgres://e/db"])
                == .postgres(url: "postgres://e/db"))
        #expect(
            try StoreLocation.resolve(nil, dataDirectory: "/var/lib/sdfarm", environment: [:])
                == .sqlite(path: "/var/lib/sdfarm/sdfarm.sqlite"))
        #expect(
            try StoreLocation.resolve(
                "postgres://flag/db", dataDirectory: "/d",
                environment: ["SDFARM_DATABASE_URL": "postgres://e/db"])
                == .postgres(url: "postgres://flag/db"))
    }

    @Test func copyFieldsAreEscaped() {
        var buffer = PostgresCopyBuffer()
        buffer.appendField("a\tb\nc\rd\\e\\N")
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == #"a\tb\nc\rd\\e\\N"#)
    }
}
