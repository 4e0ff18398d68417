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
            var command = try parseAsRoot(Self.joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success { self.exit(withError: error) }
            TerminalText.writeError(fullMessage(for: error))
            Foundation.exit(2)
        }
    }

    /// `--pes -1` as `--pes=-1`: the parser would take `-1` for an option and say the value
    /// is missing, where the user needs to hear that -1 is out of range. No command takes
    /// positional arguments, so a negative number always belongs to the option before it.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let next = index + 1 < arguments.endIndex ? arguments[index + 1] : nil
            if argument.hasPrefix("--"), argument != "--", !argument.contains("="), let next, next.hasPrefix("-"), Double(next) != nil {
                result.append("\(argument)=\(next)")
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }
}
