#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// SIGINT and SIGTERM against half-written outputs. Once `handleSignals()` ran, a signal that
/// arrives while an output is being written waits until the destination is whole again (the
/// partial tree removed and the old one back, or the new one in place); then the process exits
/// with status 128 + signal (130, 143). Outside a write it exits at once with that status.
public enum Interruption {
    /// Installs the handlers (the command-line tool does, once). Without them, signals keep
    /// their default action and `checkpoint()` never throws.
    public static func handleSignals() {
        state.lock.lock()
        defer { state.lock.unlock() }
        guard !state.installed else { return }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        state.installed = true
        signalPipe = ends[1]
        let readEnd = ends[0]
        let listener = Thread { listen(to: readEnd) }
        listener.name = "cascadecnn signals"
        listener.start()
        // Only an async-signal-safe write in the handler; the listener thread does the rest.
        // A signal the tool was started ignoring (a background job's SIGINT) stays ignored.
        for interrupt in [SIGINT, SIGTERM] {
            let previous = signal(interrupt) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipe, &byte, 1)
            }
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(interrupt, SIG_IGN) }
        }
    }

    /// Runs `body` with signals deferred; a signal that arrived meanwhile ends the process when
    /// the outermost such section ends, whether `body` returned or threw.
    static func deferringSignals<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        state.lock.lock()
        state.depth += 1
        state.lock.unlock()
        defer {
            state.lock.lock()
            state.depth -= 1
            if state.depth == 0, let signal = state.pending { exit(signal: signal) }
            state.lock.unlock()
        }
        return try body()
    }

    /// Throws `.interrupted` when a signal arrived during the current deferring section: the
    /// writer then undoes its partial work.
    static func checkpoint() throws(OutputError) {
        state.lock.lock()
        let pending = state.pending
        state.lock.unlock()
        if let pending { throw .interrupted(signal: pending) }
    }

    private static func listen(to descriptor: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            state.lock.lock()
            if state.depth == 0 { exit(signal: Int32(byte)) }
            if state.pending == nil { state.pending = Int32(byte) }
            state.lock.unlock()
        }
    }

    /// Ends the process with the shell's status for `signal`, buffered output flushed.
    private static func exit(signal: Int32) -> Never {
        fflush(nil)
        _exit(128 + signal)
    }
}

/// The deferral's state, guarded by its lock.
private final class SignalState: @unchecked Sendable {
    let lock = NSLock()
    var installed = false
    /// Nesting depth of `deferringSignals` sections in progress.
    var depth = 0
    /// The first signal that arrived during a section.
    var pending: Int32?
}

private let state = SignalState()
/// The pipe's write end, read by the signal handler (set once, before the handlers).
nonisolated(unsafe) private var signalPipe: Int32 = -1
