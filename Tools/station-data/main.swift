import Foundation
import StationData

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "inspect", args.count == 2 {
    let file = try RDataFile.read(contentsOf: URL(fileURLWithPath: args[1]))
    print("RDX\(file.formatVersion), \(file.objects.count) objects")
    for entry in file.objects {
        for line in RObjectDescription.outline(entry.value, name: entry.tag ?? "?") { print(line) }
    }
}
