using System.Buffers.Binary;

namespace CovidSeg.Tests.Imaging.Fuzz;

/// <summary>
/// Seeded random damage to a file's bytes, the kinds a broken writer, a bad transfer or a hostile file produce: bit
/// flips, "interesting" byte and integer values (0, -1, the int16/int32 limits, huge sizes) in either byte order,
/// truncation, insertion, deletion and duplication of ranges. Half of all positions fall in the first 512 bytes,
/// where headers are, so the readers' checks are exercised rather than only their "corrupt data" paths. The same seed
/// gives the same mutations.
/// </summary>
public sealed class ByteMutator(int seed)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF];
    private static readonly uint[] InterestingInts = [0, 1, 2, 7, 8, 16, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 20000, 60000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private readonly Random random = new(seed);

    /// <summary>A damaged copy of <paramref name="original"/> and a short description of what was done.</summary>
    public (byte[] Bytes, string Description) Mutate(byte[] original)
    {
        var bytes = new List<byte>(original);
        var steps = new List<string>();
        int count = 1 + this.random.Next(4);
        for (int i = 0; i < count && bytes.Count > 0; i++) steps.Add(MutateOnce(bytes));
        return (bytes.ToArray(), string.Join("; ", steps));
    }

    public int Next(int maxExclusive) => this.random.Next(maxExclusive);

    private int Position(int length) => this.random.Next(2) == 0 ? this.random.Next(Math.Min(length, 512)) : this.random.Next(length);

    private string MutateOnce(List<byte> bytes)
    {
        int at = Position(bytes.Count);
        switch (this.random.Next(8))
        {
            case 0:
            {
                int bit = this.random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            }
            case 1:
            {
                byte value = InterestingBytes[this.random.Next(InterestingBytes.Length)];
                bytes[at] = value;
                return $"byte {value} at {at}";
            }
            case 2:
            case 3:
            {
                uint value = InterestingInts[this.random.Next(InterestingInts.Length)];
                int width = this.random.Next(2) == 0 ? 2 : 4;
                bool bigEndian = this.random.Next(2) == 0;
                var word = new byte[4];
                if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(word, value); else BinaryPrimitives.WriteUInt32LittleEndian(word, value);
                var part = width == 4 ? word : bigEndian ? word[2..] : word[..2];
                for (int k = 0; k < part.Length && at + k < bytes.Count; k++) bytes[at + k] = part[k];
                return $"{(bigEndian ? "BE" : "LE")}{width * 8} {value} at {at}";
            }
            case 4:
            {
                int length = this.random.Next(bytes.Count);
                bytes.RemoveRange(length, bytes.Count - length);
                return $"truncate to {length}";
            }
            case 5:
            {
                var extra = new byte[1 + this.random.Next(16)];
                this.random.NextBytes(extra);
                bytes.InsertRange(at, extra);
                return $"insert {extra.Length} bytes at {at}";
            }
            case 6:
            {
                int length = Math.Min(1 + this.random.Next(32), bytes.Count - at);
                bytes.RemoveRange(at, length);
                return $"delete {length} bytes at {at}";
            }
            default:
            {
                int length = Math.Min(1 + this.random.Next(64), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, length));
                return $"duplicate {length} bytes at {at}";
            }
        }
    }
}
