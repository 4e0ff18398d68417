import Foundation
import Testing
@testable import HDLGen

/// A module whose body is a closure, for tests that describe small circuits inline.
struct InlineModule: Module {
    let name: String
    let body: @Sendable (ModuleBuilder) throws -> Void
    init(_ name: String, _ body: @escaping @Sendable (ModuleBuilder) throws -> Void) {
        self.name = name
        self.body = body
    }
    func build(_ m: ModuleBuilder) throws { try body(m) }
}

/// Simulates `bundle` under Icarus and expects a clean compile, no failure, and exactly
/// `checks` passed comparisons (so that every expected value was really compared).
func expectSimulationPasses(_ bundle: SimulationBundle, checks: Int,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let result = try Icarus.simulate(bundle)
    #expect(result.compilerWarnings.isEmpty, "iverilog warnings: \(result.compilerWarnings)",
            sourceLocation: sourceLocation)
    #expect(result.failed == 0, "simulation failures:\n\(result.log.suffix(3000))", sourceLocation: sourceLocation)
    #expect(result.passed == checks, "passed \(result.passed) of \(checks) checks", sourceLocation: sourceLocation)
}

/// Expects `verilator --lint-only -Wall` to find nothing in the circuit's modules.
func expectLintClean(_ circuit: Circuit, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let findings = try Verilator.lint(circuit)
    #expect(findings.isEmpty, "lint of \(circuit.top.name):\n\(findings.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}

/// The elaboration errors `module` raises (none if it elaborates).
func elaborationErrors(_ module: some Module) -> [ElaborationError] {
    do {
        _ = try Circuit(module)
        return []
    } catch let errors as ElaborationErrors {
        return errors.errors
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}
