import ArgumentParser
import Foundation
import HDLGen

/// The command-line tool over HDLGen and the toolflow.
@main
struct CascadeCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascadecnn",
        abstract: "Cascaded low-precision CNN accelerators for FPGAs (CascadeCNN).",
        discussion: """
            Generates Verilog for the units of a CascadeCNN accelerator, each with a \
            self-checking testbench whose expected values come from a bit-exact Swift model. \
            Bad input exits with status 2 and a message that names what is wrong.
            """,
        subcommands: [Generate.self, Flow.self, Simulate.self, Infer.self, Inspect.self, Devices.self, Explore.self])

    /// Runs the command; any error that is not a help request exits with status 2.
    static func main() {
        Interruption.handleSignals()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success { self.exit(withError: error) }
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data((message.hasPrefix("Error:") ? message : "error: \(message)").utf8 + [10]))
            Foundation.exit(2)
        }
    }
}
