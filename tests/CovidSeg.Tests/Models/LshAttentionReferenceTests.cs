using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;
using static CovidSeg.Tests.Models.LshAttentionTestKit;

namespace CovidSeg.Tests.Models;

/// <summary>
/// The production <see cref="LshAttention2d"/> (one gather per tensor, all rounds hashed in one product, padded slots
/// reading real rows) computes the same function of the same weights as the plain formulation it replaced
/// (<see cref="ReferenceLshAttention2d"/>): outputs, input gradients and every weight gradient, in training and
/// evaluation mode, with and without padding, one chunk or many, one round or several.
/// </summary>
public class LshAttentionReferenceTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // n, channels, height, width, heads, rounds, chunk size, buckets
        { 2, 8, 9, 7, 2, 2, 8, 4 },     // L = 63: 8 chunks, the last one padded by 1
        { 1, 12, 10, 10, 3, 3, 16, 0 }, // L = 100: automatic buckets, 7 chunks, 12 padded slots
        { 2, 8, 8, 8, 2, 2, 16, 8 },    // L = 64: 4 full chunks, no padding
        { 1, 6, 5, 7, 1, 1, 64, 0 },    // one chunk (no look-back), one round
        { 1, 8, 6, 6, 2, 1, 10, 6 },    // one round, 4 chunks, 4 padded slots
        { 2, 8, 7, 7, 2, 2, 20, 1 },    // one bucket: no hashing, 3 chunks
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvaluationEqualsTheReferenceInFloat64AndFloat32(int n, int channels, int height, int width, int heads, int rounds, int chunkSize, int buckets)
    {
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: heads, Rounds: rounds, ChunkSize: chunkSize, Buckets: buckets, GammaInit: 0.8);
        foreach (var (dtype, tolerance) in new[] { (ScalarType.Float64, 1e-12), (ScalarType.Float32, 1e-5) })
        {
            var (production, reference) = Pair(channels, options, dtype);
            production.eval();
            reference.eval();
            var x = RandomInput(31, n, channels, height, width).to(dtype);
            using var noGrad = torch.no_grad();

            var expected = (reference.forward(x) - x).to(ScalarType.Float64);
            var actual = (production.forward(x) - x).to(ScalarType.Float64);

            Assert.True(expected.abs().max().item<double>() > 1e-3, "the attention must contribute to the output");
            double error = RelativeError(actual, expected);
            Assert.True(error < tolerance, $"{dtype}: relative error {error}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrainingOutputsAndGradientsEqualTheReference(int n, int channels, int height, int width, int heads, int rounds, int chunkSize, int buckets)
    {
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: heads, Rounds: rounds, ChunkSize: chunkSize, Buckets: buckets, GammaInit: 0.8);
        var (production, reference) = Pair(channels, options, ScalarType.Float64);
        production.train();
        reference.train();
        var x = RandomInput(32, n, channels, height, width);
        var outputWeights = RandomInput(33, n, channels, height, width); // a loss that weighs every output differently

        var (expected, expectedInputGradient) = ForwardBackward(reference, x, outputWeights);
        var (actual, actualInputGradient) = ForwardBackward(production, x, outputWeights);

        Assert.True(RelativeError(actual - x, expected - x) < 1e-12, $"output: relative error {RelativeError(actual - x, expected - x)}");
        Assert.True(RelativeError(actualInputGradient, expectedInputGradient) < 1e-10,
            $"input gradient: relative error {RelativeError(actualInputGradient, expectedInputGradient)}");
        var expectedGradients = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, parameter) in production.named_parameters())
        {
            Assert.True(parameter.grad is not null, $"{name} has no gradient");
            Assert.True(expectedGradients[name].abs().max().item<double>() > 0, $"{name}: the reference gradient is zero");
            double error = RelativeError(parameter.grad, expectedGradients[name]);
            Assert.True(error < 1e-10, $"{name} gradient: relative error {error}");
        }
    }

    [Fact]
    public void TrainingDrawsTheSameRotationsAsTheReference()
    {
        // Fresh rotations come from the global generator in the same shape and order, so a seeded training run hashes
        // as it did before: two calls after one seed give the reference's two outputs.
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 8, Buckets: 8, GammaInit: 1.0);
        var (production, reference) = Pair(8, options, ScalarType.Float64);
        var x = RandomInput(34, 1, 8, 8, 8);

        torch.manual_seed(5);
        var expectedFirst = reference.forward(x);
        var expectedSecond = reference.forward(x);
        torch.manual_seed(5);
        var actualFirst = production.forward(x);
        var actualSecond = production.forward(x);

        Assert.True(RelativeError(actualFirst - x, expectedFirst - x) < 1e-12);
        Assert.True(RelativeError(actualSecond - x, expectedSecond - x) < 1e-12);
        Assert.False(Same(actualFirst, actualSecond));
    }

    [Fact]
    public void NetworkAttentionLevelsMatchTheReferenceInFloat32()
    {
        // The default network's attention shapes, shrunk: 256 and 128 channels at 16² and 32² positions, batch 2,
        // float32 as the network runs it (a float32 checkpoint must give the same outputs as before).
        using var scope = torch.NewDisposeScope();
        foreach (var (channels, side) in new[] { (256, 16), (128, 32) })
        {
            var options = new LshAttentionOptions(GammaInit: 1.0);
            var (production, reference) = Pair(channels, options, ScalarType.Float32);
            production.eval();
            reference.eval();
            var x = RandomInput(35, 2, channels, side, side).to(ScalarType.Float32);
            using var noGrad = torch.no_grad();

            double error = RelativeError((production.forward(x) - x).to(ScalarType.Float64), (reference.forward(x) - x).to(ScalarType.Float64));
            Assert.True(error < 1e-5, $"{channels} channels at {side}²: relative error {error}");
        }
    }

    /// <summary>The production block and the reference, holding the very same weights, in <paramref name="dtype"/>.</summary>
    private static (LshAttention2d Production, ReferenceLshAttention2d Reference) Pair(int channels, LshAttentionOptions options, ScalarType dtype)
    {
        torch.manual_seed(17);
        var reference = new ReferenceLshAttention2d("lsh", channels, options);
        reference.to(dtype);
        var production = new LshAttention2d("lsh", channels, options);
        production.to(dtype);
        production.load_state_dict(reference.state_dict());
        return (production, reference);
    }

    private static (Tensor Output, Tensor InputGradient) ForwardBackward(nn.Module<Tensor, Tensor> block, Tensor x, Tensor outputWeights)
    {
        torch.manual_seed(9); // the same fresh rotations for both blocks
        var input = x.detach().clone().requires_grad_(true);
        var output = block.forward(input);
        output.mul(outputWeights).sum().backward();
        return (output.detach(), input.grad!);
    }
}
