import NPTensor
import NPModels

/// The 2-D convolution methods side by side at the U-Net's and the group CNN's shapes (batch 16 of 32 × 32
/// patches): shifted GEMM (`convForward`/`convBackward`) against im2col + GEMM (`convForwardIm2Col`/
/// `convBackwardIm2Col`). `swift run -c release npbench conv2d`.
func benchmarkConv2DMethods() {
    print("## 2-D convolution: shifted GEMM vs im2col + GEMM (median of 5 after 1 warm-up; forward, then backward dx + dw)\n")
    row(["shape", "GFLOP fwd", "shifted fwd ms", "im2col fwd ms", "shifted bwd ms", "im2col bwd ms", "best GFLOP/s fwd+bwd"])
    row(["---", "---", "---", "---", "---", "---", "---"])
    let cases: [(String, ConvGeometry)] = [
        ("U-Net level 0: 32×32, 16→32, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 16, cout: 32)),
        ("U-Net level 1: 16×16, 32→64, k 9", ConvGeometry(batch: 16, spatial: [16, 16], kernel: [9, 9], cin: 32, cout: 64)),
        ("U-Net level 3: 4×4, 128→256, k 9", ConvGeometry(batch: 16, spatial: [4, 4], kernel: [9, 9], cin: 128, cout: 256)),
        ("U-Net up 0: 32×32, 64→16, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 64, cout: 16)),
        ("U-Net quick level 0: 32×32, 16→32, k 5", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [5, 5], cin: 16, cout: 32)),
        ("group CNN paper: 32×32, 128→128, k 9", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [9, 9], cin: 128, cout: 128)),
        ("group CNN quick: 32×32, 16→16, k 5", ConvGeometry(batch: 16, spatial: [32, 32], kernel: [5, 5], cin: 16, cout: 16)),
    ] + quickSmokeUNetLayers()
    for (name, g) in cases {
        var rng = RandomGenerator(seed: 2)
        let x = rng.uniformTensor(g.inputShape).scalars, w = rng.uniformTensor(g.weightShape).scalars
        let d = rng.uniformTensor(g.outputShape).scalars
        let flops = 2.0 * Double(g.batch * g.spatial.reduce(1, *) * g.cinPerGroup * g.cout * g.taps)
        let runs = flops > 2e10 ? 3 : 5
        var padded: [Float] = []
        let shiftedF = median(time(warmup: 1, runs: runs) { padded = convForward(x, w, g).paddedInput })
        let im2colF = median(time(warmup: 1, runs: runs) { _ = convForwardIm2Col(x, w, g) })
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
        let shiftedB = median(time(warmup: 1, runs: runs) {
            dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
                convBackward(d, paddedInput: padded, w, g, dx: px.baseAddress, dw: pw.baseAddress)
            }}
        })
        let im2colB = median(time(warmup: 1, runs: runs) {
            dx.withUnsafeMutableBufferPointer { px in dw.withUnsafeMutableBufferPointer { pw in
                convBackwardIm2Col(d, input: x, w, g, dx: px.baseAddress, dw: pw.baseAddress)
            }}
        })
        let best = min(shiftedF, im2colF) + min(shiftedB, im2colB)
        row([name, f(flops / 1e9, 2), f(shiftedF * 1e3), f(im2colF * 1e3), f(shiftedB * 1e3), f(im2colB * 1e3), f(3 * flops / best / 1e9)])
    }
    print()
}

/// Every convolution of the smoke experiment's quick U-Net (`GridCNNPreset.quickSmoke`) on a batch of 16 patches of
/// 32 × 32, in the network's order (down blocks, bottleneck, up blocks).
func quickSmokeUNetLayers() -> [(String, ConvGeometry)] { uNetLayers(.quickSmoke) }

/// Every convolution of a preset's U-Net on a batch of 16 patches of 32 × 32, in the network's order (down blocks,
/// bottleneck, up blocks), named "<preset> U-Net conv i: …".
func uNetLayers(_ preset: GridCNNPreset) -> [(String, ConvGeometry)] {
    let unet = preset.unet
    let levels = unet.levels
    return unet.convolutionChannels.enumerated().map { i, io in
        let level = i <= levels ? i : 2 * levels - i
        let side = 32 >> level
        let name = "\(preset.name) U-Net conv \(i): \(side)×\(side), \(io.inputs)→\(io.outputs), k \(unet.kernel)"
        return (name, ConvGeometry(batch: 16, spatial: [side, side], kernel: [unet.kernel, unet.kernel], cin: io.inputs, cout: io.outputs))
    }
}
