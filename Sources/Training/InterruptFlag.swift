import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a flag the training loop polls between steps, so it
/// can write a checkpoint and exit cleanly instead of dying mid-write.
public final class InterruptFlag: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var raised = false

    public init() {}

    public var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    public func raise() {
        lock.lock()
        raised = true
        lock.unlock()
    }

    /// Installs the handlers; a second Ctrl-C while the checkpoint is written still waits for it.
    public func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                self?.raise()
                FileHandle.standardError.write(Data("\ninterrupted: finishing the step and writing a checkpoint\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }
}
