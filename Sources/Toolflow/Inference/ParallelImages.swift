import Dispatch
import Foundation

/// Runs `body` over contiguous chunks of `0..<count` on all cores. Each chunk gets its own
/// worker index so that it can use scratch buffers of its own.
func forEachChunk(of count: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = min(count, max(1, cores * 4))
    if chunks == 1 { body(0..<count); return }
    // The chunks are disjoint and `body` writes only its own part of shared buffers.
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
        }
    }
}

/// A fixed-size buffer that concurrent workers write disjoint parts of.
final class SharedBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>

    init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    deinit { pointer.deallocate() }

    var array: [Element] { Array(pointer) }
}
