/// One connected worker as `sdfarm status` shows it: the coordinator builds it, the status
/// reply carries it (`WorkerStatus+Wire.swift`), the CLI prints it.
public struct WorkerStatus: Equatable, Sendable, Codable {
    public var id: String
    public var name: String
    /// `idle`, `active`, `draining`, …
    public var state: String
    public var device: String
    public var loadedModel: String?
    public var models: [String]
    /// The jobs it has items of in hand.
    public var jobs: [Int64]
    public var itemsInHand: Int
    public var imagesDone: Int
    /// Recent images per minute; nil until it has finished some.
    public var imagesPerMinute: Double?

    /// Its JSON form (`sdfarm status --json`): snake_case names.
    private enum CodingKeys: String, CodingKey {
        case id, name, state, device, models, jobs
        case loadedModel = "loaded_model"
        case itemsInHand = "items_in_hand"
        case imagesDone = "images_done"
        case imagesPerMinute = "images_per_minute"
    }

    public init(
        id: String, name: String, state: String, device: String, loadedModel: String?, models: [String],
        jobs: [Int64],
        itemsInHand: Int, imagesDone: Int, imagesPerMinute: Double?
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.device = device
        self.loadedModel = loadedModel
        self.models = models
        self.jobs = jobs
        self.itemsInHand = itemsInHand
        self.imagesDone = imagesDone
        self.imagesPerMinute = imagesPerMinute
    }
}
