import NPTensor

extension Tape {
    /// Stride-1 "same" convolution over a channels-last grid (1-D `[m, l, cin]` or 2-D `[m, h, w, cin]`)
    /// with weight `[k(, k₂), cin/groups, cout]`; no bias (add one with `add`). Kernels in NPTensor, both checked
    /// against `convReference`: the shifted GEMM (`convForward` / `convBackward`) or, where
    /// `ConvGeometry.prefersIm2Col` says it is faster (2-D shapes), im2col + GEMM (`convForwardIm2Col` / …).
    ///
    /// `algorithms` (by default the tape's `convolutions`) may also allow the frequency-domain convolution where
    /// `ConvGeometry.prefersFFT` says it is faster (`fftConv`), and may cut a kernel wider than its grid to the taps
    /// that reach it (`ConvGeometry.tapsReachingTheGrid`).
    public func conv(_ x: Variable, _ w: Variable, groups: Int = 1, algorithms: ConvolutionAlgorithms? = nil) -> Variable {
        let algorithms = algorithms ?? convolutions
        let spatialRank = x.shape.count - 2
        require(spatialRank == 1 || spatialRank == 2, "conv input must be [m, l, c] or [m, h, w, c], got \(x.shape)")
        require(w.shape.count == spatialRank + 2, "conv weight \(w.shape) does not match input \(x.shape)")
        let geometry = ConvGeometry(batch: x.shape[0], spatial: Array(x.shape[1...spatialRank]),
                                    kernel: Array(w.shape.prefix(spatialRank)), cin: x.shape.last!,
                                    cout: w.shape.last!, groups: groups)
        require(w.shape[spatialRank] == geometry.cinPerGroup,
                     "conv weight \(w.shape) expects \(w.shape[spatialRank]) input channels per group, input has \(geometry.cinPerGroup)")
        if algorithms.cropsKernelsToTheGrid, let taps = geometry.tapsReachingTheGrid {
            return conv(x, slice(slice(w, axis: 0, taps[0]), axis: 1, taps[1]), groups: groups, algorithms: algorithms)
        }
        if geometry.prefersFFT(under: algorithms) { return fftConv(x, w, geometry, algorithms) }
        if geometry.prefersIm2Col { return im2colConv(x, w, geometry) }
        let (out, padded) = convForward(x.value.scalars, w.value.scalars, geometry)
        // convBackward adds into the gradient buffers directly (no temporaries, no second pass).
        return convResult(out, x, w, geometry) { dy, gx, gw in convBackward(dy, paddedInput: padded, w.value.scalars, geometry, dx: gx, dw: gw) }
    }

    /// The same convolution by im2col + GEMM (`ConvGeometry.prefersIm2Col` chooses).
    func im2colConv(_ x: Variable, _ w: Variable, _ geometry: ConvGeometry) -> Variable {
        let out = convForwardIm2Col(x.value.scalars, w.value.scalars, geometry)
        return convResult(out, x, w, geometry) { dy, gx, gw in convBackwardIm2Col(dy, input: x.value.scalars, w.value.scalars, geometry, dx: gx, dw: gw) }
    }

    /// The same convolution through the frequency domain (groups = 1; `ConvGeometry.prefersFFT` chooses): transforms
    /// of the smallest sizes that do not alias, a long first axis lengthened to a size that factors well
    /// (`fastFFTSizes`), the kernel's transforms as `KernelTransforms.chosen` says for `algorithms`, and the forward
    /// pass's input and kernel spectra kept for the backward pass.
    /// A 1-D convolution goes through as the 2-D convolution of one column (`ConvGeometry.columnGeometry`).
    func fftConv(_ x: Variable, _ w: Variable, _ geometry: ConvGeometry, _ algorithms: ConvolutionAlgorithms) -> Variable {
        let planar = geometry.spatial.count == 1 ? geometry.columnGeometry : geometry
        let sizes = planar.fastFFTSizes
        let (out, spectra) = convForwardFFTKeepingSpectra(x.value.scalars, w.value.scalars, planar, sizes: sizes,
                                                          kernelTransforms: .chosen(under: algorithms, sizes: sizes))
        return convResult(out, x, w, geometry) { dy, gx, gw in convBackwardFFT(dy, spectra: spectra, dx: gx, dw: gw) }
    }

    /// A convolution's result, recorded under the calling method's name: its pullback hands `backward` the output
    /// gradient and the gradient buffers of the inputs that need one (nil for the others), into which it adds.
    private func convResult(_ out: [Float], _ x: Variable, _ w: Variable, _ geometry: ConvGeometry, op: String = #function,
                            backward: @escaping ([Float], UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void) -> Variable {
        result(Tensor(shape: geometry.outputShape, scalars: out), inputs: [x, w], op: op) { res in
            let dy = res.gradStorage
            switch (x.requiresGrad, w.requiresGrad) {
            case (true, true): x.withGrad { gx in w.withGrad { gw in backward(dy, gx, gw) } }
            case (true, false): x.withGrad { gx in backward(dy, gx, nil) }
            case (false, true): w.withGrad { gw in backward(dy, nil, gw) }
            case (false, false): break
            }
        }
    }
}
