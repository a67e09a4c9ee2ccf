import NPTensor
import Testing

@Suite struct InputTransformTests {
    @Test func dihedralGroupIsClosedAndHasEightDistinctElements() {
        let group = InputTransform.dihedral4()
        #expect(Set(group.map(\.matrix)).count == 8)
        for a in group { for b in group {
            let c = a.after(b).matrix.map { $0.rounded() }
            #expect(group.contains { $0.matrix == c }, "\(a) ∘ \(b) not in the group")
        } }
    }

    @Test func rotationAndTranslationActOnPoints() {
        let x = Tensor(shape: [1, 2, 2], scalars: [1, 0, 2, 3])
        #expect(InputTransform.rotation90(quarterTurns: 1).apply(x).scalars == [0, 1, -3, 2])
        #expect(InputTransform.translation([1, -1]).after(.axisReflection(1, dimension: 2)).apply(x).scalars == [2, -1, 3, -4])
        #expect(InputTransform.pointReflection(dimension: 1).apply(Tensor(shape: [1, 2, 1], scalars: [2, -5])).scalars == [-2, 5])
    }

    @Test func paddingRoundTripsAndMasksOnlyUnequalSets() {
        let a = SingleTask(xc: Tensor(shape: [2, 1], scalars: [1, 2]), yc: Tensor(shape: [2, 1], scalars: [3, 4]),
                           xt: Tensor(shape: [1, 1], scalars: [5]), yt: Tensor(shape: [1, 1], scalars: [6]))
        let b = SingleTask(xc: Tensor(shape: [3, 1], scalars: [7, 8, 9]), yc: Tensor(shape: [3, 1], scalars: [1, 1, 1]),
                           xt: Tensor(shape: [1, 1], scalars: [0]), yt: Tensor(shape: [1, 1], scalars: [0]))
        let batch = TaskBatch(padding: [a, b])
        #expect(batch.xc.scalars == [1, 2, 2, 7, 8, 9])   // the last real point repeated
        #expect(batch.contextMask?.scalars == [1, 1, 0, 1, 1, 1] && batch.targetMask == nil)
        #expect(batch.task(0) == a && batch.task(1) == b)
        // Permuting the context permutes the mask with it.
        #expect(batch.permutingContext([2, 0, 1]).contextMask?.scalars == [0, 1, 1, 1, 1, 1])
    }
}
