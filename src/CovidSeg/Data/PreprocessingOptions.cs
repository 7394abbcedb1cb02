using CovidSeg.Imaging;

namespace CovidSeg.Data;

/// <summary>
/// How slices become network input (saved beside checkpoints as JSON, so inference prepares images the same way).
/// The paper resizes its 512x512 MedSeg slices to 369x369 grey (Chen, Yao, Zhang 2020, §III-A).
/// </summary>
/// <param name="Side">Side of the square the image and mask are resized to.</param>
/// <param name="WindowLevel">Window centre in Hounsfield units, used only for HU input.</param>
/// <param name="WindowWidth">Window width in Hounsfield units: [level - width/2, level + width/2] maps to [0, 1].</param>
public sealed record PreprocessingOptions(
    int Side = PreprocessingOptions.PaperSide,
    double WindowLevel = GreyLevels.LungWindowLevel,
    double WindowWidth = GreyLevels.LungWindowWidth)
{
    /// <summary>The paper's input side.</summary>
    public const int PaperSide = 369;

    /// <summary>Throws <see cref="CovidSegException"/> when a value cannot work.</summary>
    public PreprocessingOptions Validate()
    {
        if (Side < 1) throw new CovidSegException($"preprocessing side must be at least 1, got {Side}");
        if (!(WindowWidth > 0) || double.IsInfinity(WindowWidth)) throw new CovidSegException($"window width must be a positive number, got {WindowWidth}");
        if (!double.IsFinite(WindowLevel)) throw new CovidSegException($"window level must be a finite number, got {WindowLevel}");
        return this;
    }
}
