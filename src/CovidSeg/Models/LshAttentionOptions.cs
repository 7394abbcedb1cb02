namespace CovidSeg.Models;

/// <summary>
/// Settings of <see cref="LshAttention2d"/> (Reformer LSH self-attention, Kitaev et al. 2020).
/// </summary>
/// <param name="Heads">Attention heads; the channel count must be divisible by it.</param>
/// <param name="Rounds">Hash rounds; more rounds miss fewer similar pairs at proportional cost.</param>
/// <param name="ChunkSize">Positions per chunk after sorting by bucket; each chunk attends to itself and the one before.</param>
/// <param name="Buckets">Hash buckets per round (even); 0 picks about positions / chunk size, as the Reformer does.</param>
/// <param name="Seed">Seed of the fixed rotations used in evaluation mode, so inference is deterministic.</param>
public sealed record LshAttentionOptions(int Heads = 2, int Rounds = 2, int ChunkSize = 64, int Buckets = 0, long Seed = 1234);
