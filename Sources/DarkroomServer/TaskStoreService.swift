import DarkroomQueue
import ServiceLifecycle

/// Runs the task store's background work (a PostgreSQL store's pool and its listener for jobs
/// other processes queue, which ring this process's doorbell) until the graceful shutdown
/// reaches it: the group stops services in reverse order, so this one, first in the list, stops
/// after the workers have given back their leases through it.
struct TaskStoreService: Service {
    let store: any TaskStore
    let doorbell: Doorbell

    func run() async {
        let (store, doorbell) = (store, doorbell)
        await cancelWhenGracefulShutdown {
            await store.run(jobQueued: { doorbell.ring() })
        }
    }
}
