@testable import DarkroomQueue
import Testing

/// When a batch of callbacks starts beside the ones being committed.
@Suite struct GroupCommitTests {
    @Test func aCallbackWithNoTransactionUnderWayStartsOneAtOnce() {
        #expect(GroupCommit.wantsWriter(writers: 0, limit: 2, waiting: 1, inFlight: []))
    }

    @Test func aSecondBatchWaitsUntilItIsAsLargeAsTheSmallestUnderWay() {
        #expect(!GroupCommit.wantsWriter(writers: 1, limit: 2, waiting: 1, inFlight: [20]))
        #expect(!GroupCommit.wantsWriter(writers: 1, limit: 2, waiting: 19, inFlight: [20]))
        #expect(GroupCommit.wantsWriter(writers: 1, limit: 2, waiting: 20, inFlight: [20]))
        #expect(GroupCommit.wantsWriter(writers: 2, limit: 3, waiting: 5, inFlight: [20, 5]))
        #expect(GroupCommit.wantsWriter(writers: 1, limit: 2, waiting: 1, inFlight: [1]))
    }

    @Test func noMoreTransactionsThanTheLimit() {
        #expect(!GroupCommit.wantsWriter(writers: 2, limit: 2, waiting: 500, inFlight: [1, 1]))
        #expect(!GroupCommit.wantsWriter(writers: 1, limit: 1, waiting: 500, inFlight: [1]))
    }

    @Test func aWriterAboutToTakeTheWaitingCallbacksIsNotJoinedByAnother() {
        #expect(!GroupCommit.wantsWriter(writers: 1, limit: 2, waiting: 50, inFlight: []))
    }
}
