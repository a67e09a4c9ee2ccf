import ArgumentParser
import Foundation

/// `smoke2d figure5`: the paper's Figure 5, example final states of the smoke data set.
struct Figure5: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure5",
        abstract: "Example final smoke states (one weak and one strong per inflow position) with obstacle, inflow disk and 32×32 task patches.")
    @OptionGroup var common: SmokeOptions
    func run() throws { try common.experiment().figure5() }
}
