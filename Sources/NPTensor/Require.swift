/// An argument or shape check that stays in every build.
///
/// The numeric targets are compiled with `-Ounchecked` (measured: plain `-O` costs the TNP's training step 19 % and
/// the TE-TNP's 6 %, see Docs/architecture.md, "Release builds"), which removes every `precondition` — a mis-shaped input would
/// then give garbage instead of an error. `fatalError` is never removed, so the checks at API boundaries (shapes,
/// dimensions, counts, masks) go through `require` and stop with their message in release builds too; only the
/// bounds checks inside kernels, each tested against a checked reference, are dropped.
@inlinable
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
