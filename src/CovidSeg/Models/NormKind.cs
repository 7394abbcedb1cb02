using System.Text.Json.Serialization;

namespace CovidSeg.Models;

/// <summary>
/// Feature normalisation after each convolution. The paper (Chen, Yao, Zhang 2020) does not mention any; see
/// <see cref="ModelOptions.Norm"/> for why batch normalisation is the default.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<NormKind>))]
public enum NormKind
{
    /// <summary>Batch normalisation (Ioffe and Szegedy 2015): statistics over the batch and the image.</summary>
    Batch,
    /// <summary>Group normalisation (Wu and He 2018), up to 8 groups: independent of batch size.</summary>
    Group,
    /// <summary>Instance normalisation (Ulyanov et al. 2016): statistics per image and channel.</summary>
    Instance,
    /// <summary>No normalisation; the convolutions then carry a bias.</summary>
    None,
}
