using TorchSharp;

namespace CovidSeg.Data;

/// <summary>
/// A slice ready for the network: image float32 [1, S, S] in [0, 1] and mask int64 [S, S] of label indices.
/// It owns both tensors; dispose it when done.
/// </summary>
public sealed record PreparedSample(string Id, torch.Tensor Image, torch.Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        Mask.Dispose();
    }
}
