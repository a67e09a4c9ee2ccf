// station-data: convert COmonthlyMet.rda (R package fields) into the local format of
// Docs/station-data-format.md, check a converted directory, or outline an .rda file.
import Foundation
import StationData

let usage = """
    usage:
      station-data convert RDA OUTDIR [--package-version V] [--deb-file F] [--deb-sha256 H] [--rda-sha256 H]
                                      [--expected-deb-sha256 H] [--expected-rda-sha256 H] [--warning TEXT]...
      station-data verify [DIR]     check a converted directory against its manifest (default data/stations)
      station-data summary [DIR]    load it and print the counts of Docs/station-data.md §2.4 and §6
      station-data inspect RDA      outline the objects of an R workspace file
    """

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("station-data: \(message)\n".utf8))
    exit(code)
}

/// Splits `--name value` options (repeatable) from positional arguments.
func parseOptions(_ args: ArraySlice<String>) -> (positional: [String], options: [String: [String]]) {
    var positional = [String](), options = [String: [String]]()
    var i = args.startIndex
    while i < args.endIndex {
        let a = args[i]
        if a.hasPrefix("--") {
            guard i + 1 < args.endIndex else { fail("option \(a) needs a value\n\(usage)", code: 2) }
            options[String(a.dropFirst(2)), default: []].append(args[i + 1])
            i += 2
        } else {
            positional.append(a)
            i += 1
        }
    }
    return (positional, options)
}

func directory(_ positional: [String]) -> URL {
    positional.first.map { URL(fileURLWithPath: $0) } ?? StationDataSet.defaultDirectory
}

let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else { fail(usage, code: 2) }
let (positional, options) = parseOptions(arguments.dropFirst())
let known = ["package-version", "deb-file", "deb-sha256", "rda-sha256", "expected-deb-sha256", "expected-rda-sha256", "warning"]
if let unknown = options.keys.first(where: { !known.contains($0) }) { fail("unknown option --\(unknown)\n\(usage)", code: 2) }

do {
    switch command {
    case "convert":
        guard positional.count == 2 else { fail(usage, code: 2) }
        let rdaURL = URL(fileURLWithPath: positional[0]), outURL = URL(fileURLWithPath: positional[1])
        let data = try ColoradoMonthlyMet(rdata: try RDataFile.read(contentsOf: rdaURL))
        let provenance = StationDataManifest.Provenance(
            packageVersion: options["package-version"]?.last, debFile: options["deb-file"]?.last,
            debSHA256: options["deb-sha256"]?.last, expectedDebSHA256: options["expected-deb-sha256"]?.last,
            rdaFile: rdaURL.lastPathComponent, rdaSHA256: options["rda-sha256"]?.last,
            expectedRDASHA256: options["expected-rda-sha256"]?.last, warnings: options["warning"] ?? [])
        let manifest = try StationDataWriter.write(data, provenance: provenance, to: outURL)
        _ = try StationDataSet.load(from: outURL)   // read back what was written
        let c = manifest.counts
        print("station-data: converted \(rdaURL.lastPathComponent) into \(outURL.path): \(c.stations) stations, "
              + "\(c.years) years (\(c.firstYear)–\(c.lastYear)), \(c.stationMonthsWithTmaxAndTmin) station-months with "
              + "Tmax and Tmin, elevation grid \(c.elevationGridX) × \(c.elevationGridY)")
    case "verify":
        let set = try StationDataSet.load(from: directory(positional))
        print("station-data: \(set.directory.path) is complete (format version \(set.manifest.formatVersion), "
              + "\(set.manifest.files.count) files match their sizes and CRC-32)")
    case "summary":
        let set = try StationDataSet.load(from: directory(positional))
        for line in StationDataSummary(set.data).lines { print(line) }
    case "inspect":
        guard positional.count == 1 else { fail(usage, code: 2) }
        let file = try RDataFile.read(contentsOf: URL(fileURLWithPath: positional[0]))
        print("RDX\(file.formatVersion), \(file.objects.count) objects")
        for entry in file.objects {
            for line in RObjectDescription.outline(entry.value, name: entry.tag ?? "?") { print(line) }
        }
    default:
        fail("unknown command \(command)\n\(usage)", code: 2)
    }
} catch let error as StationDataError {
    fail(error.description)
} catch {
    fail("\(error)")
}
