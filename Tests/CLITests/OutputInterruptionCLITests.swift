import Foundation
import Testing

/// SIGINT and SIGTERM while `generate` replaces a previous output with a big one, sent at
/// several moments: while the unit is computed, as the staging folder appears, and during
/// the write. Each run ends with the signal's status (or 0 when it finished first), leaves no
/// hidden staging or old folder, and the destination is the old tree or the whole new one.
@Suite("--output under signals", .serialized) struct OutputInterruptionCLITests {
    static let big = ["generate", "mm-unit", "--wordlength", "8", "--pes", "16", "--maccs", "16", "--vectors", "40000"]

    /// When the signal is sent: a delay after the start, or after the staging folder appeared.
    enum Moment: CustomStringConvertible, Sendable {
        case afterStart(milliseconds: Int)
        case afterStaging(milliseconds: Int)
        var description: String {
            switch self {
            case let .afterStart(ms): return "\(ms) ms after the start"
            case let .afterStaging(ms): return "\(ms) ms after staging began"
            }
        }
    }

    @Test func signalsLeaveTheOldTreeOrTheWholeNewOne() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("out"), reference = directory.appendingPathComponent("reference")
            let small = ["generate", "mm-unit", "--wordlength", "4", "--pes", "2", "--maccs", "4", "--vectors", "20"]
            #expect(try CommandLineRun.cascadecnn(Self.big + ["--output", reference.path]).status == 0)
            let new = try FolderSnapshot(reference)
            let moments: [(Moment, Int32)] = [
                (.afterStart(milliseconds: 50), SIGINT), (.afterStaging(milliseconds: 0), SIGINT),
                (.afterStaging(milliseconds: 0), SIGTERM), (.afterStaging(milliseconds: 3), SIGINT),
                (.afterStaging(milliseconds: 10), SIGTERM), (.afterStaging(milliseconds: 30), SIGINT),
                (.afterStaging(milliseconds: 60), SIGTERM), (.afterStaging(milliseconds: 300), SIGINT),
            ]
            var keptOld = 0
            for (moment, signal) in moments {
                try? FileManager.default.removeItem(at: out)
                #expect(try CommandLineRun.cascadecnn(small + ["--output", out.path]).status == 0)
                let old = try FolderSnapshot(out)
                let status = try Self.run(Self.big + ["--output", out.path], signal: signal, at: moment, watching: out)
                let after = try FolderSnapshot(out)
                #expect(status == 128 + signal || status == 0, "\(moment): status \(status)")
                #expect(after == old || after == new, "\(moment): neither the old nor the new tree: \(after)")
                if status == 0 { #expect(after == new, "\(moment)") }
                #expect(leftovers(under: directory).isEmpty, "\(moment): \(leftovers(under: directory))")
                if after == old { keptOld += 1 }
            }
            // The signal during the computation, and at least one during the write, found the old tree whole.
            #expect(keptOld >= 2)
        }
    }

    /// Runs cascadecnn, sends `signal` at `moment`, and returns the exit status.
    static func run(_ arguments: [String], signal: Int32, at moment: Moment, watching output: URL) throws -> Int32 {
        let tool = try SpawnedTool(CommandLineRun.executable.path, arguments)
        let staging = "." + output.lastPathComponent + ".partial-"
        let parent = output.deletingLastPathComponent().path
        switch moment {
        case let .afterStart(ms):
            usleep(UInt32(ms * 1000))
        case let .afterStaging(ms):
            let deadline = Date().addingTimeInterval(600)
            while tool.isRunning, Date() < deadline,
                  !((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).contains(where: { $0.hasPrefix(staging) }) {
                usleep(200)
            }
            usleep(UInt32(ms * 1000))
        }
        if tool.isRunning { kill(tool.pid, signal) }
        let (status, signalled) = tool.wait()
        #expect(!signalled, "ended by an uncaught signal \(status)")
        return status
    }
}

/// The tool started as a shell starts it: SIGINT and SIGTERM unblocked and at their default
/// action (the test runner may block them, and a child inherits the mask), output discarded.
final class SpawnedTool {
    let pid: pid_t
    private var finished: (status: Int32, signalled: Bool)?

    init(_ path: String, _ arguments: [String]) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), interrupts = sigset_t()
        sigemptyset(&none)
        sigemptyset(&interrupts)
        sigaddset(&interrupts, SIGINT)
        sigaddset(&interrupts, SIGTERM)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &interrupts)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        self.pid = pid
    }

    var isRunning: Bool { poll(blocking: false) == nil }

    /// The exit status, or the signal that ended the process.
    func wait() -> (status: Int32, signalled: Bool) { poll(blocking: true)! }

    private func poll(blocking: Bool) -> (status: Int32, signalled: Bool)? {
        if let finished { return finished }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result == -1 && errno == EINTR
        if result == -1 {
            // Reaped elsewhere (ECHILD): the process is gone and its pid may already be another's,
            // so it must never be signalled again; its status is lost.
            finished = (-1, false)
            return finished
        }
        guard result == pid else { return nil }
        finished = status & 0x7f == 0 ? ((status >> 8) & 0xff, false) : (status & 0x7f, true)
        return finished
    }
}
