import CFFmpeg
@testable import DarkroomMedia
import Testing

@Suite struct FrameQueueTests {
    /// A picture taken from the queue is freed once its encoder drops it, even while the queue
    /// never runs empty (a decoder ahead of its encoder): it was kept until the queue emptied,
    /// which for a 60 s clip held tens of MiB of decoded pictures.
    @Test func aTakenPictureIsFreedWhileOthersWait() throws {
        let queue = FrameQueue(capacity: 4)
        weak var taken: Frame?
        do {
            let first = Frame.picture(width: 64, height: 64, format: AV_PIX_FMT_YUV420P)
            taken = first
            queue.put(.video(first))
        }
        queue.put(.audio(Frame()))
        queue.put(.video(Frame.picture(width: 64, height: 64, format: AV_PIX_FMT_YUV420P)))
        #expect(taken != nil)
        do {
            let item = try #require(queue.take())
            guard case .video = item else { Issue.record("the first item out is not the first picture"); return }
        }
        #expect(taken == nil)
        guard case .audio = queue.take() else { Issue.record("the audio block did not come second"); return }
        guard case .video = queue.take() else { Issue.record("the second picture did not come third"); return }
        queue.close()
        #expect(queue.take() == nil)
    }
}
