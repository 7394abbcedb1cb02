using System.Buffers.Binary;

namespace CovidSeg.Runs;

/// <summary>
/// Checks a saved libtorch CPU random-number state (rng.bin) before it reaches <c>torch.random.set_rng_state</c>.
/// libtorch rejects a bad state by throwing a C++ exception that TorchSharp does not catch, which ends the process
/// with "terminate called ... c10::Error" instead of a message. So this repeats libtorch's own checks
/// (CPUGeneratorImpl::set_state and mt19937::is_valid in ATen): the size of CPUGeneratorImplState, and the Mersenne
/// Twister's "seeded" flag, "left" counter (1..624) and "next" index (at most 624) at their offsets in that struct.
/// </summary>
public static class RngStateFile
{
    /// <summary>sizeof(CPUGeneratorImplState) in libtorch 2.x: the legacy POD (5048 bytes) plus a float and a bool, padded.</summary>
    public const int Size = 5056;
    private const int MersenneStateN = 624;
    private const int LeftOffset = 8, SeededOffset = 12, NextOffset = 16;

    /// <summary>Throws <see cref="InvalidInputException"/> naming <paramref name="path"/> when libtorch would refuse the state.</summary>
    public static void Check(string path, ReadOnlySpan<byte> state)
    {
        if (state.Length != Size)
            throw new InvalidInputException(path, $"corrupt random-number state: {state.Length} bytes, libtorch's is {Size}; cannot resume exactly");
        int left = BinaryPrimitives.ReadInt32LittleEndian(state[LeftOffset..]);
        int seeded = BinaryPrimitives.ReadInt32LittleEndian(state[SeededOffset..]);
        uint next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(state[NextOffset..]);
        if (seeded == 0 || left < 1 || left > MersenneStateN || next > MersenneStateN)
            throw new InvalidInputException(path, "corrupt random-number state: not a valid Mersenne Twister state; cannot resume exactly");
    }
}
