using TorchSharp;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Runs;

public class RngStateFileTests
{
    private static byte[] CurrentState()
    {
        torch.manual_seed(7);
        using (torch.randn(1000)) { } // move the generator away from its freshly seeded position
        using var state = torch.random.get_rng_state();
        return state.data<byte>().ToArray();
    }

    [Fact]
    public void LibtorchsOwnStatePassesAndRestores()
    {
        byte[] state = CurrentState();
        Assert.Equal(RngStateFile.Size, state.Length);
        RngStateFile.Check("rng.bin", state);
        using var expected = torch.randn(5);
        using (var restore = torch.tensor(state, dtype: torch.ScalarType.Byte)) torch.random.set_rng_state(restore);
        using var again = torch.randn(5);
        Assert.Equal(expected.data<float>().ToArray(), again.data<float>().ToArray());
    }

    [Fact]
    public void ATruncatedStateIsRefused()
    {
        Assert.Equal("corrupt random-number state: 100 bytes, libtorch's is 5056; cannot resume exactly",
            Assert.Throws<InvalidInputException>(() => RngStateFile.Check("rng.bin", CurrentState().AsSpan(0, 100))).Problem);
    }

    [Fact]
    public void RandomBytesOfTheRightSizeAreRefused()
    {
        var noise = new byte[RngStateFile.Size];
        new Random(3).NextBytes(noise);
        Assert.Equal("corrupt random-number state: not a valid Mersenne Twister state; cannot resume exactly",
            Assert.Throws<InvalidInputException>(() => RngStateFile.Check("rng.bin", noise)).Problem);
    }
}
