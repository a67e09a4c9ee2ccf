import Foundation

/// The targets that scripts/paper-items.tsv marks as built (last column "-") for an experiment, so that each
/// experiment's tests can check that its CLI's outputs and `reproduce.sh --list` agree.
public func registeredPaperItemTargets(_ experiment: String) throws -> Set<String> {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let tsv = try String(contentsOf: root.appendingPathComponent("scripts/paper-items.tsv"), encoding: .utf8)
    var registered = Set<String>()
    for line in tsv.split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if fields.count == 4 && fields[1] == experiment && fields[3] == "-" { registered.insert(fields[2]) }
    }
    return registered
}
