/// The demo's batch: captions in the bundled model's own vocabulary (see
/// docs/small-model.md), each rendered with a few seeds, so every picture can be checked by eye
/// against its prompt.
enum DemoPrompts {
    static let captions = [
        "a red circle on a blue background",
        "a yellow star on a black background",
        "a green square on a white background",
        "a white triangle on a purple background",
        "a large blue circle on a yellow background",
        "a small purple square at the top left on a green background",
        "a black star in the center on a white background",
        "a orange triangle on a blue background",
    ]
}
