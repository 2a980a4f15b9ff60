/// Reasons a job fails that the store itself writes.
enum JobFailure {
    static func workerDied(attempts: Int) -> String {
        "the worker died or stalled during each of \(attempts) attempt(s) (its lease ran out every time): the task may crash "
            + "Darkroom; look at the service's log for the crash, then retry the task by hand"
    }
}
