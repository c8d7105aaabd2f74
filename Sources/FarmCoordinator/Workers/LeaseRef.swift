/// Names one claim of one item as the coordinator's policies see it: the item's id and the
/// fence of the claim (the store bumps the fence on every claim, so a report about an older
/// claim is recognised and refused).
public struct LeaseRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var item: Int64
    public var fence: Int64

    public init(item: Int64, fence: Int64) {
        self.item = item
        self.fence = fence
    }

    public static func < (a: LeaseRef, b: LeaseRef) -> Bool {
        (a.item, a.fence) < (b.item, b.fence)
    }

    public var description: String { "item \(item) fence \(fence)" }
}
