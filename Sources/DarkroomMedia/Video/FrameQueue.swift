import Foundation

/// A decoded picture or block of samples on its way from the decoding thread to an encoder.
enum DecodedItem: Sendable {
    case video(Frame)
    case audio(Frame)
}

/// A bounded, blocking hand-off of decoded frames from the decoding thread to one encoding
/// thread. The bound, on pictures (audio blocks are small and ride along), keeps memory flat
/// when the encoder is slower than the decoder: the decoder waits instead of piling up pictures.
///
/// An encoder that fails calls `abandon()`, after which the decoder's `put` drops frames
/// instead of waiting for a reader that has gone.
final class FrameQueue: Sendable {
    private struct State {
        /// Taken items are set to nil at once, so a picture is freed when its encoder is done
        /// with it, not when the queue next runs empty (with a fast decoder it rarely does).
        var items: [DecodedItem?] = []
        var head = 0
        var pictures = 0
        var closed = false
        var abandoned = false
    }

    private let capacity: Int
    private let condition = NSCondition()
    private nonisolated(unsafe) var state = State()

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits while the queue is full.
    func put(_ item: DecodedItem) {
        condition.lock()
        defer { condition.unlock() }
        if case .video = item {
            while state.pictures >= capacity && !state.abandoned {
                condition.wait()
            }
            state.pictures += 1
        }
        guard !state.abandoned else { return }
        state.items.append(item)
        condition.broadcast()
    }

    /// No more items will come.
    func close() {
        condition.lock()
        state.closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, waiting for one; nil once the queue is closed and empty.
    func take() -> DecodedItem? {
        condition.lock()
        defer { condition.unlock() }
        while state.head == state.items.count && !state.closed {
            condition.wait()
        }
        guard state.head < state.items.count, let item = state.items[state.head] else { return nil }
        state.items[state.head] = nil
        state.head += 1
        if case .video = item { state.pictures -= 1 }
        if state.head == state.items.count {
            state.items.removeAll(keepingCapacity: true)
            state.head = 0
        } else if state.head >= 256 {
            state.items.removeFirst(state.head)
            state.head = 0
        }
        condition.broadcast()
        return item
    }

    /// The reader has stopped: drop what is queued and everything put from now on.
    func abandon() {
        condition.lock()
        state.abandoned = true
        state.items.removeAll()
        state.head = 0
        state.pictures = 0
        condition.broadcast()
        condition.unlock()
    }
}
