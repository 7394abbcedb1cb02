using CovidSeg.Runtime;
using CovidSeg.Inference;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Inference;

public class PrecisionChooserTests
{
    [Fact]
    public void WithoutBf16InstructionsAutoIsFp32AndNothingIsMeasured()
    {
        var choice = PrecisionChooser.Decide(cpuHasBf16: false, () => throw new InvalidOperationException("must not measure"));
        Assert.Equal(ScalarType.Float32, choice.Dtype);
        Assert.Equal("fp32 (auto: this CPU has no bf16 instructions)", choice.Describe());
    }

    [Fact]
    public void WithBf16InstructionsAutoFollowsTheMeasuredSpeed()
    {
        var fast = PrecisionChooser.Decide(cpuHasBf16: true, () => new Bf16Speed(1024, Fp32Seconds: 0.012, Bf16Seconds: 0.003));
        Assert.Equal("bf16 (auto: bf16 instructions, bf16 1024² products 4x the speed of fp32 here)", fast.Describe());
        // Instructions present but the kernels slow (oneDNN capped below AVX-512, say): fp32.
        var slow = PrecisionChooser.Decide(cpuHasBf16: true, () => new Bf16Speed(1024, Fp32Seconds: 0.012, Bf16Seconds: 1.2));
        Assert.Equal("fp32 (auto: bf16 instructions, but bf16 1024² products 0.01x the speed of fp32 here (bf16 needs 1.25x))", slow.Describe());
        // A gain inside the noise of a shared machine is not enough.
        var marginal = PrecisionChooser.Decide(cpuHasBf16: true, () => new Bf16Speed(1024, Fp32Seconds: 0.012, Bf16Seconds: 0.011));
        Assert.Equal(ScalarType.Float32, marginal.Dtype);
    }

    [Fact]
    public void AskedPrecisionsAreTakenAsAsked()
    {
        Assert.Equal(ScalarType.Float32, PrecisionChooser.Choose(ComputePrecision.Fp32).Dtype);
        Assert.Equal(ScalarType.BFloat16, PrecisionChooser.Choose(ComputePrecision.Bf16).Dtype);
        Assert.Equal("bf16", PrecisionChooser.Choose(ComputePrecision.Bf16).Name);
    }

    [Theory]
    [InlineData("auto", ComputePrecision.Auto)]
    [InlineData("FP32", ComputePrecision.Fp32)]
    [InlineData("bf16", ComputePrecision.Bf16)]
    [InlineData("bfloat16", ComputePrecision.Bf16)]
    public void ParsesTheOptionValues(string text, ComputePrecision expected) => Assert.Equal(expected, PrecisionChooser.Parse(text));

    [Fact]
    public void RefusesAnUnknownPrecision()
    {
        var e = Assert.Throws<CovidSegException>(() => PrecisionChooser.Parse("fp16"));
        Assert.Equal("--precision must be auto, fp32 or bf16, got 'fp16'", e.Message);
    }

    [Fact]
    public void TheProbeTimesBothPrecisionsAtTheAskedSize()
    {
        // Small n keeps this quick on a CPU without bf16 instructions too; the values are times, so only their sign is known.
        var speed = Bf16SpeedProbe.Measure(64);
        Assert.Equal(64, speed.Size);
        Assert.True(speed.Fp32Seconds > 0 && speed.Bf16Seconds > 0, $"{speed}");
    }
}
