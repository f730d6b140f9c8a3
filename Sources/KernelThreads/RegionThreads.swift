import Foundation
import Synchronization

/// Threads kept ready to run short parallel regions: the encoder's, four per layer for one
/// sequence, and the network layers' matrix products (`NeuralNet`). Regions that short (0.1-0.3 ms at 40 tokens) need a quick start: with
/// `DispatchQueue.concurrentPerform` the calling thread often ran both halves itself before a
/// pool thread woke (one sentence took 5.2-5.7 ms on two threads, as long as on one), and a
/// thread blocked on a semaphore took longer to wake than a region lasts (on this virtual
/// machine an idle core sleeps). So a worker that finishes a region polls for the next one up
/// to `spinLimit` times before blocking, and the caller polls for the workers the same way:
/// within a forward pass the next region comes at once (3.0 ms for one sentence with a core
/// free), and between calls the workers sleep. Polling yields the core every `yieldEvery`
/// checks, so that when other processes hold a core it costs no more than concurrentPerform
/// (unyielding polling made one sentence take 20-30 ms there).
///
/// One process-wide set serves every caller, one region at a time; a region must not start
/// another.
public final class RegionThreads: @unchecked Sendable {
    public static let shared = RegionThreads()
    static let spinLimit = 20_000
    static let yieldEvery = 64

    private let lock = NSLock()
    private var starts: [DispatchSemaphore] = []
    private let finished = DispatchSemaphore(value: 0)
    /// Counts regions started; workers poll it.
    private let generation = Atomic<Int>(0)
    /// Workers still running the current region; the caller polls it.
    private let running = Atomic<Int>(0)
    /// The region being run: written before `generation` moves, read by the workers after.
    private var body: ((Int) -> Void)?

    /// Runs `body(worker)` for each worker in `0..<threads` at once, worker 0 on the calling
    /// thread, and returns when all are done.
    public func run(_ threads: Int, _ body: (Int) -> Void) {
        guard threads > 1 else { return body(0) }
        lock.lock()
        defer { lock.unlock() }
        while starts.count < threads - 1 { startThread(worker: starts.count + 1) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            running.store(threads - 1, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            // Every worker takes one start signal per region, polling or not, so the counts
            // stay matched; a signal nobody waits for costs no system call.
            for start in starts.prefix(threads - 1) { start.signal() }
            body(0)
            var spins = 0
            while running.load(ordering: .acquiring) > 0, spins < Self.spinLimit { Self.pause(&spins) }
            for _ in 1..<threads { finished.wait() }
            self.body = nil
        }
    }

    private func startThread(worker: Int) {
        let start = DispatchSemaphore(value: 0)
        starts.append(start)
        let thread = Thread { [self] in
            var seen = generation.load(ordering: .acquiring)
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen, spins < Self.spinLimit { Self.pause(&spins) }
                start.wait()
                seen = generation.load(ordering: .acquiring)
                body!(worker)
                running.subtract(1, ordering: .releasing)
                finished.signal()
            }
        }
        thread.name = "region \(worker)"
        thread.start()
    }

    private static func pause(_ spins: inout Int) {
        spins += 1
        if spins % yieldEvery == 0 { sched_yield() }
    }
}
